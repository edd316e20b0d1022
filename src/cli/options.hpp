#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/router.hpp"
#include "auth/authenticator.hpp"
#include "cli/logging.hpp"
#include "http/options.hpp"
#include "service/applications.hpp"

namespace coffer::cli {

// Where the data lives (SPEC 13, 15).
struct StorageOptions {
  // Local files: the SQLite database (unless postgres_url is set), the TLS certificate, the
  // credentials file written on first start, the generated master key.
  std::string data_dir = "./coffer-data";
  // A PostgreSQL connection URI or key=value string; empty: the SQLite database in data_dir.
  std::string postgres_url;
  // Most PostgreSQL connections this process opens; unused with SQLite.
  std::size_t db_pool = 16;
};

// `coffer serve` (SPEC 13.1), grouped by the module each part configures.
struct ServeOptions {
  StorageOptions storage;
  std::string tls_cert;  // with tls_key: use these files
  std::string tls_key;
  bool plain_http = false;      // otherwise TLS (self-signed in DATA/tls/ unless files are given)
  std::string master_key_file;  // empty: DATA/master.key
  std::string log_level = "info";
  // Record every secrets call and application change in the audit log (SPEC 16); off only for
  // measurements and throwaway test servers.
  bool audit = true;
  // Test controls under /_emulator/ and a movable clock (SPEC 17); never on by default.
  bool emulator = false;
  // A seed file applied at start (and again on each reset); needs `emulator`.
  std::string seed_file;
  LogFormat log_format = LogFormat::kText;
  // One line per API request to this file ("-": standard error); empty: no access log.
  std::string access_log;
  // Where `GET /metrics` is served (SPEC 16); unset: nowhere.
  std::optional<http::ServerOptions> metrics_server;
  // Scheduled backups (SPEC 16, SQLite only): a snapshot into backup_dir every backup_every,
  // keeping the newest backup_keep; empty backup_dir: none.
  std::string backup_dir;
  std::chrono::seconds backup_every{86400};
  int backup_keep = 7;
  // How often expired key-value items are purged, and how many per write.
  std::chrono::milliseconds sweep_interval{10'000};
  int64_t sweep_batch = 1000;
  http::ServerOptions server;
  auth::AuthenticatorOptions auth;
  service::ApplicationsOptions applications;
  api::RouterOptions router;
};

struct AccountCreateOptions {
  StorageOptions storage;
  std::string name;
  std::string email;
  std::string out;  // credentials file to write (0600) instead of stdout
};

struct AccountApiKeyOptions {
  StorageOptions storage;
  int64_t account_id = 0;
};

struct KeyCreateOptions {
  StorageOptions storage;
  int64_t account_id = 0;
  std::vector<std::string> roles;
  std::string description;
  std::string out;
};

struct KeyListOptions {
  StorageOptions storage;
  int64_t account_id = 0;
};

struct KeyDeleteOptions {
  StorageOptions storage;
  std::string key_id;
};

struct AppCreateOptions {
  StorageOptions storage;
  int64_t account_id = 0;
  std::string name;
  std::string domain = "voximplant.com";
};

struct MasterKeyGenerateOptions {
  std::string out;
};

// `coffer migrate --data DIR --postgres URL` (SPEC 15): the SQLite store in DIR into the empty
// PostgreSQL database at URL.
struct MigrateOptions {
  StorageOptions storage;  // postgres_url required
};

// `coffer backup --data DIR --out FILE` (SPEC 16): an online snapshot of the SQLite store.
struct BackupOptions {
  StorageOptions storage;
  std::string out;
};

// `coffer restore --from FILE --data DIR`: a backup as the store of a new, empty DIR.
struct RestoreOptions {
  StorageOptions storage;
  std::string from;
};

// `coffer audit list [--since TIME] [--application ID]` (SPEC 16).
struct AuditListOptions {
  StorageOptions storage;
  int64_t since = 0;  // Unix seconds
  std::optional<int64_t> application_id;
};

// `coffer audit verify`.
struct AuditVerifyOptions {
  StorageOptions storage;
};

// `coffer export --account ID --application NAME --out FILE --passphrase-file FILE` (SPEC 16).
struct ExportOptions {
  StorageOptions storage;
  std::string master_key_file;  // empty: DATA/master.key
  int64_t account_id = 0;
  std::string application;
  std::string out;
  std::string passphrase_file;
};

// `coffer import --account ID --application NAME` from an export file (`--from FILE
// --passphrase-file FILE`) or from another server (`--from-url URL --credentials FILE`).
struct ImportOptions {
  StorageOptions storage;
  std::string master_key_file;  // empty: DATA/master.key
  int64_t account_id = 0;
  std::string application;
  bool replace = false;  // overwrite secrets and items whose names exist
  std::string from;
  std::string passphrase_file;
  std::string from_url;
  std::string credentials;         // the source server's credentials file
  std::string source_application;  // the application's name there; empty: `application`
  std::string ca_file;             // a certificate trusted besides the system's; empty: none
};

// One parameter of a client call: `value` itself, or read from the file it names (`-`: standard
// input) when `from_file`.
struct ClientParam {
  std::string name;
  std::string value;
  bool from_file = false;
};

// `coffer call METHOD name=value...` and the shorthands `coffer app|secret|kv ...` (SPEC 17),
// each made into one call.
struct ClientOptions {
  std::string server;                    // empty: $COFFER_SERVER, else https://127.0.0.1:8443
  std::string credentials;               // empty: $COFFER_CREDENTIALS, else DATA/credentials.json
  std::string data_dir = "coffer-data";  // whose tls/cert.pem is trusted when it exists
  std::string ca_file;                   // a certificate trusted besides the system's
  std::string method;
  std::vector<ClientParam> params;
  std::string form = "urlencoded";  // `coffer call --form`: urlencoded, query, json, multipart, cmd
  // The shorthands' `ls`: ask page after page (the `count` parameter is the page size) and print
  // one answer holding every entry.
  bool every_page = false;
};

struct MasterKeyRotateOptions {
  StorageOptions storage;
  std::string master_key_file;  // the current key; empty: DATA/master.key
  std::string new_key_file;
};

}  // namespace coffer::cli
