#include "cli/command_line.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <sstream>

#include "cli/client_command_line.hpp"
#include "common/strings.hpp"
#include "common/timestamp.hpp"
#include "domain/roles.hpp"

namespace coffer::cli {

namespace {

void AddStorage(CLI::App& command, StorageOptions& storage) {
  command.add_option("--data", storage.data_dir, "data directory (created 0700 if missing)")
      ->capture_default_str();
  command.add_option("--postgres", storage.postgres_url,
                     "PostgreSQL connection URI or key=value string (PG* variables apply); "
                     "the data directory then keeps local files only");
  command.add_option("--db-pool", storage.db_pool, "most PostgreSQL connections")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
}

// "HOST:PORT", "[IPv6]:PORT".
void ParseListen(const std::string& text, http::ServerOptions& server,
                 const std::string& flag = "--listen") {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw UsageError(flag + " must be HOST:PORT, got '" + text + "'");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  const auto port = common::ParseStrictInt64(text.substr(colon + 1));
  if (!port || *port < 0 || *port > 65535) {
    throw UsageError(flag + " port must be 0..65535, got '" + text.substr(colon + 1) + "'");
  }
  server.host = host;
  server.port = static_cast<uint16_t>(*port);
}

std::chrono::milliseconds Seconds(double seconds, const char* flag) {
  if (!(seconds > 0) || seconds > 86400 * 365) {
    throw UsageError(std::string(flag) + " must be a positive number of seconds");
  }
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

struct ServeFlags {
  std::string listen = "127.0.0.1:8443";
  double read_timeout = 30, idle_timeout = 60, drain_timeout = 10, sweep_interval = 10;
  double first_byte_timeout = 10;
  std::string metrics_listen;  // empty: no metrics listener
  std::string backup_every = "1d";
  std::string audit = "on";
  std::string log_format = "text";
  bool self_signed = false;
  std::string config_file;  // expanded by WithConfigFile before parsing; an option for --help
};

void AddServe(CLI::App& app, ServeOptions& o, ServeFlags& f) {
  auto* serve = app.add_subcommand("serve", "run the API server");
  // Options from --config come first (see WithConfigFile), so a repeated option's last value,
  // the command line's, wins.
  serve->option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  serve->add_option("--config", f.config_file,
                    "read options from a TOML/INI file (`listen = \"127.0.0.1:8443\"`, "
                    "`plain-http = true`, ...; top level or [serve]); the command line wins");
  AddStorage(*serve, o.storage);
  serve->add_option("--listen", f.listen, "HOST:PORT to listen on (port 0 = any free port)")
      ->capture_default_str();
  auto* cert = serve->add_option("--tls-cert", o.tls_cert, "TLS certificate chain (PEM)")
                   ->check(CLI::ExistingFile);
  auto* key =
      serve->add_option("--tls-key", o.tls_key, "TLS private key (PEM)")->check(CLI::ExistingFile);
  cert->needs(key);
  key->needs(cert);
  auto* self_signed = serve->add_flag("--tls-self-signed", f.self_signed,
                                      "use a self-signed certificate kept in DATA/tls (default)");
  serve
      ->add_option("--master-key-file", o.master_key_file,
                   "256-bit master key (64 hex digits); default DATA/master.key, generated once")
      ->check(CLI::ExistingFile);
  auto* plain = serve->add_flag("--plain-http", o.plain_http, "serve plain HTTP instead of HTTPS");
  plain->excludes(cert)->excludes(key)->excludes(self_signed);
  self_signed->excludes(cert)->excludes(key);
  serve->add_option("--threads", o.server.io_threads, "network I/O threads (0: one per CPU)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  serve->add_option("--workers", o.server.worker_threads, "request handler threads")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  serve->add_option("--max-header-bytes", o.server.max_header_bytes, "request line + headers limit")
      ->check(CLI::Range(1024, 64 << 20))
      ->capture_default_str();
  serve->add_option("--max-target-bytes", o.server.max_target_bytes, "request target limit")
      ->check(CLI::Range(256, 64 << 20))
      ->capture_default_str();
  serve->add_option("--max-body-bytes", o.server.max_body_bytes, "request body limit")
      ->check(CLI::Range(1024, 1 << 30))
      ->capture_default_str();
  serve->add_option("--max-params", o.router.max_params, "parameters per request")
      ->check(CLI::Range(16, 100000))
      ->capture_default_str();
  serve->add_option("--max-connections", o.server.max_connections, "open connections limit")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  serve
      ->add_option("--max-connections-per-client", o.server.max_connections_per_client,
                   "open connections limit per client IP address")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  serve->add_option("--read-timeout", f.read_timeout, "seconds for a whole request to arrive")
      ->capture_default_str();
  serve
      ->add_option("--first-byte-timeout", f.first_byte_timeout,
                   "seconds for a new connection's TLS handshake, then its first byte")
      ->capture_default_str();
  serve->add_option("--idle-timeout", f.idle_timeout, "seconds a kept-alive connection may idle")
      ->capture_default_str();
  serve->add_option("--drain-timeout", f.drain_timeout, "seconds to finish requests on shutdown")
      ->capture_default_str();
  serve->add_option("--sweep-interval", f.sweep_interval, "seconds between purges of expired items")
      ->capture_default_str();
  serve->add_option("--sweep-batch", o.sweep_batch, "expired items deleted per write")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  serve->add_option("--token-cache-size", o.auth.token_cache_capacity, "verified tokens remembered")
      ->capture_default_str();
  serve
      ->add_option("--token-cache-bytes", o.auth.token_cache_bytes,
                   "bytes the verified-token cache may take")
      ->capture_default_str();
  serve->add_option("--domain", o.applications.domain, "last labels of full application names")
      ->capture_default_str();
  serve
      ->add_option("--max-applications", o.applications.max_per_account,
                   "applications per account (0 = unlimited)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  serve->add_option("--log-level", o.log_level, "trace, debug, info, warn, error or off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "off"}))
      ->capture_default_str();
  serve->add_option("--log-format", f.log_format, "text, or json: one object per line")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  serve->add_option("--access-log", o.access_log,
                    "write a line per API request to this file (- for standard error)");
  serve->add_option("--metrics-listen", f.metrics_listen,
                    "HOST:PORT serving GET /metrics (Prometheus), unauthenticated; off by default");
  serve->add_option("--audit", f.audit, "on: record secrets calls and changes (SPEC 16); off")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str();
  serve->add_flag("--emulator", o.emulator,
                  "test controls under /_emulator/ (loopback only) and a movable clock; for tests, "
                  "never for production");
  serve->add_option("--seed", o.seed_file, "with --emulator: create the applications in this file")
      ->check(CLI::ExistingFile);
  serve->add_option("--backup-dir", o.backup_dir,
                    "take scheduled backups into this directory (SQLite only); off by default");
  serve
      ->add_option("--backup-every", f.backup_every,
                   "time between scheduled backups (90s, 15m, 6h, 1d)")
      ->capture_default_str();
  serve->add_option("--backup-keep", o.backup_keep, "scheduled backups kept (the oldest go first)")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
}

// Unix seconds, or UTC as YYYY-MM-DDTHH:MM:SSZ.
int64_t ParseTime(const std::string& text, const std::string& flag) {
  if (const auto seconds = common::ParseStrictInt64(text); seconds && *seconds >= 0)
    return *seconds;
  const auto utc = common::ParseUtcTime(text, "%Y-%m-%dT%H:%M:%SZ");
  if (!utc) {
    throw UsageError(flag + " must be Unix seconds or YYYY-MM-DDTHH:MM:SSZ, got '" + text + "'");
  }
  return *utc;
}

// "90", "90s", "15m", "6h", "1d" → seconds; at least one second.
std::chrono::seconds ParseDuration(const std::string& text, const std::string& flag) {
  std::string digits = text;
  int64_t unit = 1;
  if (!digits.empty()) {
    switch (digits.back()) {
      case 's':
        unit = 1;
        digits.pop_back();
        break;
      case 'm':
        unit = 60;
        digits.pop_back();
        break;
      case 'h':
        unit = 3600;
        digits.pop_back();
        break;
      case 'd':
        unit = 86400;
        digits.pop_back();
        break;
      default:
        break;
    }
  }
  const auto count = common::ParseStrictInt64(digits);
  if (!count || *count < 1 || *count > 365 * 86400 / unit) {
    throw UsageError(flag + " must be a duration such as 90s, 15m, 6h or 1d, got '" + text + "'");
  }
  return std::chrono::seconds(*count * unit);
}

// The metrics listener's own limits: scrapes are small, few and from few clients.
http::ServerOptions MetricsServerOptions(const std::string& listen, const ServeOptions& o) {
  http::ServerOptions metrics;
  ParseListen(listen, metrics, "--metrics-listen");
  metrics.max_body_bytes = 0;
  metrics.max_connections = 64;
  metrics.max_connections_per_client = 16;
  metrics.io_threads = 1;
  metrics.worker_threads = 1;
  metrics.read_timeout = o.server.read_timeout;
  metrics.idle_timeout = o.server.idle_timeout;
  metrics.first_byte_timeout = o.server.first_byte_timeout;
  metrics.drain_timeout = std::chrono::milliseconds(1000);
  return metrics;
}

void FinishServe(ServeOptions& o, const ServeFlags& f) {
  ParseListen(f.listen, o.server);
  o.server.read_timeout = Seconds(f.read_timeout, "--read-timeout");
  o.server.idle_timeout = Seconds(f.idle_timeout, "--idle-timeout");
  o.server.first_byte_timeout = Seconds(f.first_byte_timeout, "--first-byte-timeout");
  o.server.drain_timeout = Seconds(f.drain_timeout, "--drain-timeout");
  o.sweep_interval = Seconds(f.sweep_interval, "--sweep-interval");
  o.log_format = f.log_format == "json" ? LogFormat::kJson : LogFormat::kText;
  if (!f.metrics_listen.empty()) o.metrics_server = MetricsServerOptions(f.metrics_listen, o);
  o.backup_every = ParseDuration(f.backup_every, "--backup-every");
  o.audit = f.audit == "on";
  if (!o.seed_file.empty() && !o.emulator) throw UsageError("--seed needs --emulator");
  if (!o.backup_dir.empty() && !o.storage.postgres_url.empty()) {
    throw UsageError("--backup-dir backs up SQLite only; back PostgreSQL up with pg_dump");
  }
  if (o.applications.domain.empty()) throw UsageError("--domain must not be empty");
  o.applications.domain = common::AsciiLower(o.applications.domain);
}

void CheckRoles(const std::vector<std::string>& roles) {
  for (const auto& role : roles) {
    if (!domain::IsKnownRole(role)) throw UsageError("unknown role '" + role + "'");
  }
}

// `serve --config FILE ...` becomes `serve <options from FILE> ...`: each `name = value` is
// `--name value`, `name = true` a flag. Unknown names then fail like unknown flags.
std::vector<std::string> WithConfigFile(std::vector<std::string> args) {
  if (args.size() < 2 || args[1] != "serve") return args;
  std::string path;
  std::vector<std::string> rest;
  bool found = false;
  for (std::size_t i = 2; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) {
      path = args[++i];
      found = true;
    } else if (args[i].rfind("--config=", 0) == 0) {
      path = args[i].substr(9);
      found = true;
    } else {
      rest.push_back(args[i]);
    }
  }
  if (!found) return args;
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigTOML().from_file(path);
  } catch (const CLI::Error& e) {
    throw UsageError("--config " + path + ": " + e.what());
  }
  std::vector<std::string> expanded{args[0], "serve"};
  for (const auto& item : items) {
    if (item.name == "++" || item.name == "--") continue;  // section markers
    if (!item.parents.empty() && item.parents != std::vector<std::string>{"serve"}) {
      throw UsageError("--config " + path + ": unknown section or key '" + item.fullname() + "'");
    }
    if (item.name == "config") throw UsageError("--config " + path + ": config files do not nest");
    const std::string flag = "--" + item.name;
    if (item.inputs.size() == 1 && (item.inputs[0] == "true" || item.inputs[0] == "false")) {
      if (item.inputs[0] == "true") expanded.push_back(flag);
      continue;
    }
    for (const auto& input : item.inputs) {
      expanded.push_back(flag);
      expanded.push_back(input);
    }
  }
  expanded.insert(expanded.end(), rest.begin(), rest.end());
  return expanded;
}

// Exactly one source, with what it needs.
void CheckImport(const ImportOptions& o) {
  if (o.from.empty() && o.from_url.empty()) throw UsageError("import needs --from or --from-url");
  if (!o.from.empty() && o.passphrase_file.empty()) {
    throw UsageError("--from needs --passphrase-file");
  }
  if (!o.from_url.empty() && o.credentials.empty()) {
    throw UsageError("--from-url needs --credentials");
  }
}

}  // namespace

Command ParseCommandLine(int argc, const char* const* argv) {
  CLI::App app(
      "Coffer: per-application secrets and key-value storage, speaking the Voximplant "
      "Management API",
      "coffer");
  app.require_subcommand(1, 1);
  app.set_version_flag("--version", "coffer " COFFER_VERSION);

  ServeOptions serve;
  ServeFlags serve_flags;
  AddServe(app, serve, serve_flags);

  auto* account = app.add_subcommand("account", "manage accounts")->require_subcommand(1, 1);
  AccountCreateOptions account_create;
  auto* account_create_cmd =
      account->add_subcommand("create", "create an account with an Owner key");
  AddStorage(*account_create_cmd, account_create.storage);
  account_create_cmd->add_option("--name", account_create.name, "account name")->required();
  account_create_cmd->add_option("--email", account_create.email, "account e-mail")->required();
  account_create_cmd->add_option("--out", account_create.out,
                                 "write the credentials file here (0600)");
  AccountApiKeyOptions api_key;
  auto* api_key_cmd = account->add_subcommand("api-key", "create or replace the legacy api_key");
  AddStorage(*api_key_cmd, api_key.storage);
  api_key_cmd->add_option("--account", api_key.account_id, "account id")->required();

  auto* key = app.add_subcommand("key", "manage service-account keys")->require_subcommand(1, 1);
  KeyCreateOptions key_create;
  auto* key_create_cmd = key->add_subcommand("create", "create an RSA-2048 key");
  AddStorage(*key_create_cmd, key_create.storage);
  key_create_cmd->add_option("--account", key_create.account_id, "account id")->required();
  key_create_cmd->add_option("--role", key_create.roles, "role (repeatable)");
  key_create_cmd->add_option("--description", key_create.description, "free text");
  key_create_cmd->add_option("--out", key_create.out, "write the credentials file here (0600)");
  KeyListOptions key_list;
  auto* key_list_cmd = key->add_subcommand("list", "list an account's keys");
  AddStorage(*key_list_cmd, key_list.storage);
  key_list_cmd->add_option("--account", key_list.account_id, "account id")->required();
  KeyDeleteOptions key_delete;
  auto* key_delete_cmd = key->add_subcommand("delete", "delete a key (it stops working at once)");
  AddStorage(*key_delete_cmd, key_delete.storage);
  key_delete_cmd->add_option("--key-id", key_delete.key_id, "key id")->required();

  auto* app_cmd = app.add_subcommand("app", "manage applications")->require_subcommand(1, 1);
  AppCreateOptions app_create;
  auto* app_create_cmd = app_cmd->add_subcommand("create", "create an application");
  AddStorage(*app_create_cmd, app_create.storage);
  app_create_cmd->add_option("--account", app_create.account_id, "account id")->required();
  app_create_cmd->add_option("--name", app_create.name, "short name")->required();
  app_create_cmd->add_option("--domain", app_create.domain, "last labels of full names")
      ->capture_default_str();

  const ClientCommandLine client(app, *app_cmd);

  auto* master_key =
      app.add_subcommand("master-key", "manage the master key")->require_subcommand(1, 1);
  MasterKeyGenerateOptions key_generate;
  auto* key_generate_cmd = master_key->add_subcommand("generate", "write a new master key file");
  key_generate_cmd->add_option("--out", key_generate.out, "the new file (0600)")->required();
  MasterKeyRotateOptions rotate;
  auto* rotate_cmd = master_key->add_subcommand(
      "rotate", "re-wrap every data key under a new master key (server stopped)");
  AddStorage(*rotate_cmd, rotate.storage);
  rotate_cmd
      ->add_option("--master-key-file", rotate.master_key_file,
                   "the current master key (default DATA/master.key)")
      ->check(CLI::ExistingFile);
  rotate_cmd->add_option("--new-key-file", rotate.new_key_file, "the new master key")
      ->required()
      ->check(CLI::ExistingFile);

  MigrateOptions migrate;
  auto* migrate_cmd = app.add_subcommand(
      "migrate", "copy the SQLite store in --data into an empty PostgreSQL database (stopped)");
  AddStorage(*migrate_cmd, migrate.storage);
  migrate_cmd->get_option("--postgres")->required();

  BackupOptions backup;
  auto* backup_cmd = app.add_subcommand(
      "backup", "write a consistent snapshot of the SQLite store while servers run");
  AddStorage(*backup_cmd, backup.storage);
  backup_cmd->add_option("--out", backup.out, "the new backup file (0600)")->required();
  RestoreOptions restore;
  auto* restore_cmd =
      app.add_subcommand("restore", "restore a backup into a new, empty data directory");
  AddStorage(*restore_cmd, restore.storage);
  restore_cmd->add_option("--from", restore.from, "the backup file")->required();

  auto* audit =
      app.add_subcommand("audit", "read and check the audit log")->require_subcommand(1, 1);
  AuditListOptions audit_list;
  std::string audit_since;
  auto* audit_list_cmd = audit->add_subcommand("list", "print records as JSON lines");
  AddStorage(*audit_list_cmd, audit_list.storage);
  audit_list_cmd->add_option("--since", audit_since,
                             "records from this time on: Unix seconds or YYYY-MM-DDTHH:MM:SSZ");
  audit_list_cmd->add_option("--application", audit_list.application_id, "one application's id");
  AuditVerifyOptions audit_verify;
  auto* audit_verify_cmd =
      audit->add_subcommand("verify", "check the hash chain; exit 1 naming the first bad record");
  AddStorage(*audit_verify_cmd, audit_verify.storage);

  ExportOptions export_options;
  auto* export_cmd = app.add_subcommand(
      "export", "write one application's secrets and items, sealed under a passphrase");
  AddStorage(*export_cmd, export_options.storage);
  export_cmd->add_option("--master-key-file", export_options.master_key_file,
                         "the master key (default DATA/master.key)");
  export_cmd->add_option("--account", export_options.account_id, "account id")->required();
  export_cmd->add_option("--application", export_options.application, "short name")->required();
  export_cmd->add_option("--out", export_options.out, "the new export file (0600)")->required();
  export_cmd
      ->add_option("--passphrase-file", export_options.passphrase_file,
                   "a file whose first line is the passphrase (at least 8 characters)")
      ->required()
      ->check(CLI::ExistingFile);
  ImportOptions import;
  auto* import_cmd = app.add_subcommand(
      "import", "load an export, or an application of another server, into an application");
  AddStorage(*import_cmd, import.storage);
  import_cmd->add_option("--master-key-file", import.master_key_file,
                         "the master key (default DATA/master.key)");
  import_cmd->add_option("--account", import.account_id, "account id")->required();
  import_cmd->add_option("--application", import.application, "short name (created if missing)")
      ->required();
  import_cmd->add_flag("--replace", import.replace, "overwrite secrets and items that exist");
  auto* from =
      import_cmd->add_option("--from", import.from, "an export file")->check(CLI::ExistingFile);
  import_cmd
      ->add_option("--passphrase-file", import.passphrase_file,
                   "a file whose first line is the export's passphrase")
      ->check(CLI::ExistingFile);
  auto* from_url = import_cmd->add_option("--from-url", import.from_url,
                                          "read through /platform_api from the server at this URL");
  import_cmd
      ->add_option("--credentials", import.credentials,
                   "that server's service-account credentials file")
      ->check(CLI::ExistingFile);
  import_cmd->add_option("--source-application", import.source_application,
                         "the application's name on that server (default: --application)");
  import_cmd
      ->add_option("--ca-file", import.ca_file,
                   "a certificate to trust for that server besides the system's CAs")
      ->check(CLI::ExistingFile);
  from->excludes(from_url);
  from_url->excludes(from);

  std::vector<std::string> args = WithConfigFile(std::vector<std::string>(argv, argv + argc));
  // CLI11 parses a reversed vector (it pops from the back) without the program name.
  std::reverse(args.begin(), args.end());
  args.pop_back();
  try {
    app.parse(args);
  } catch (const CLI::Success& e) {  // --help or --version
    std::ostringstream text;
    app.exit(e, text, text);
    throw HelpRequested{text.str()};
  } catch (const CLI::ParseError& e) {
    throw UsageError(e.what());
  }

  if (app.got_subcommand("serve")) {
    FinishServe(serve, serve_flags);
    return serve;
  }
  if (account_create_cmd->parsed()) return account_create;
  if (api_key_cmd->parsed()) return api_key;
  if (key_create_cmd->parsed()) {
    CheckRoles(key_create.roles);
    return key_create;
  }
  if (key_list_cmd->parsed()) return key_list;
  if (key_delete_cmd->parsed()) return key_delete;
  if (key_generate_cmd->parsed()) return key_generate;
  if (rotate_cmd->parsed()) return rotate;
  if (migrate_cmd->parsed()) return migrate;
  if (backup_cmd->parsed()) return backup;
  if (restore_cmd->parsed()) return restore;
  if (audit_list_cmd->parsed()) {
    if (!audit_since.empty()) audit_list.since = ParseTime(audit_since, "--since");
    return audit_list;
  }
  if (audit_verify_cmd->parsed()) return audit_verify;
  if (export_cmd->parsed()) return export_options;
  if (import_cmd->parsed()) {
    CheckImport(import);
    return import;
  }
  if (auto call = client.Parsed()) return std::move(*call);
  return app_create;
}

}  // namespace coffer::cli
