#include "cli/transfer_commands.hpp"

#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include "cli/audit_commands.hpp"
#include "cli/data_dir.hpp"
#include "cli/master_key.hpp"
#include "cli/operator_commands.hpp"
#include "cli/platform_source.hpp"
#include "common/secure_string.hpp"
#include "domain/names.hpp"
#include "service/application_transfer.hpp"

namespace coffer::cli {

namespace json = boost::json;

namespace {

constexpr std::size_t kMinExportPassphrase = 8;

// The first line of the passphrase file, without its line ending.
common::SecureString ReadPassphrase(const std::string& path, std::size_t min_length) {
  const auto text = common::SecureString::Adopt(ReadWholeFile(path, "passphrase file"));
  std::string_view line = text.view().substr(0, text.view().find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) throw std::runtime_error("the passphrase file " + path + " is empty");
  if (line.size() < min_length) {
    throw std::runtime_error("the passphrase in " + path + " is shorter than " +
                             std::to_string(min_length) + " characters");
  }
  return common::SecureString(line);
}

std::string RequireShortName(const std::string& name) {
  std::string lowered = name;
  for (char& c : lowered) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!domain::IsValidShortAppName(lowered)) {
    throw std::runtime_error("\"" + name + "\" is not an application short name");
  }
  return lowered;
}

// Why the store refused an import, as one line.
std::string Refusal(const store::ImportOutcome& outcome, const std::string& application,
                    int64_t account_id) {
  switch (outcome.outcome) {
    case store::Outcome::kConflict: {
      if (outcome.clash.empty()) return "a secret or item of the import was written meanwhile";
      std::string line = std::string(outcome.clash_is_secret ? "secret" : "item") + " " +
                         json::serialize(json::string(outcome.clash)) +
                         " already exists in application " + application;
      if (outcome.clashes > 1) {
        line += " (and " + std::to_string(outcome.clashes - 1) + " more)";
      }
      return line + "; --replace overwrites existing names";
    }
    case store::Outcome::kLimitExceeded:
      return "account " + std::to_string(account_id) + " has as many applications as allowed";
    default:
      return "application " + application + " cannot be imported into";
  }
}

service::ApplicationExport ReadSource(const ImportOptions& o) {
  if (!o.from_url.empty()) {
    return FetchApplication(PlatformSource{
        .url = o.from_url,
        .credentials_file = o.credentials,
        .application = o.source_application.empty() ? o.application : o.source_application,
        .ca_file = o.ca_file});
  }
  const common::SecureString passphrase = ReadPassphrase(o.passphrase_file, 1);
  const std::string text = ReadWholeFile(o.from, "export file");
  try {
    return service::ReadExportFile(text, passphrase.view());
  } catch (const service::ExportFileError& e) {
    throw std::runtime_error(o.from + ": " + e.what());
  }
}

}  // namespace

void ExportCommand(store::Store& store, service::AuditTrail& trail, const common::Clock& clock,
                   const ExportOptions& o, std::ostream& out) {
  const std::string application = RequireShortName(o.application);
  const common::SecureString passphrase = ReadPassphrase(o.passphrase_file, kMinExportPassphrase);
  RequireAccount(store, o.account_id);
  if (std::ifstream(o.out).good()) throw std::runtime_error(o.out + " exists already");
  const crypto::Keyring keyring = OpenKeyring(store.meta(), o.storage.data_dir, o.master_key_file);
  service::ApplicationTransfer transfer(store.transfers(), keyring, clock);
  const auto exported = transfer.Export(o.account_id, application);
  if (!exported) {
    throw std::runtime_error("account " + std::to_string(o.account_id) + " has no application " +
                             application);
  }
  // Recorded before a value leaves the store, as a read of every secret.
  service::AuditEvent event = OperatorEvent("export", o.account_id, {});
  event.application_id = exported->application_id;
  event.secrets = {"id:all"};
  trail.Record(event);
  WriteNewFile(o.out, service::WriteExportFile(exported->data, passphrase.view()), 0600);
  out << json::serialize(json::object{{"application", application},
                                      {"secrets", exported->data.secrets.size()},
                                      {"items", exported->data.items.size()},
                                      {"out", o.out}})
      << "\n";
}

void ImportCommand(store::Store& store, service::AuditTrail& trail, const common::Clock& clock,
                   const ImportOptions& o, std::ostream& out) {
  const std::string application = RequireShortName(o.application);
  RequireAccount(store, o.account_id);
  const service::ApplicationExport data = ReadSource(o);
  const crypto::Keyring keyring = OpenKeyring(store.meta(), o.storage.data_dir, o.master_key_file);
  // Held as a server holds it, until the import has committed: no master-key rotation can run
  // in between, so a data key this import makes is wrapped under the key in force.
  const auto lease =
      HoldServingLease(store.meta(), keyring, o.storage.data_dir, o.master_key_file, [] {});
  service::ApplicationTransfer transfer(store.transfers(), keyring, clock);
  const auto audited = trail.Attach(
      [&] { return OperatorEvent("import", o.account_id, {"application_name:" + application}); });
  store::ImportOutcome outcome;
  try {
    outcome = transfer.Import(o.account_id, application, data, o.replace, 0);
  } catch (const service::ImportRejected& e) {
    throw std::runtime_error(std::string("nothing imported: ") + e.what());
  }
  if (outcome.outcome != store::Outcome::kOk) {
    throw std::runtime_error("nothing imported: " + Refusal(outcome, application, o.account_id));
  }
  const store::ImportSummary& done = outcome.summary;
  out << json::serialize(json::object{{"application_id", done.application.id},
                                      {"application", application},
                                      {"created_application", done.created_application},
                                      {"secrets_added", done.secrets_added},
                                      {"secrets_replaced", done.secrets_replaced},
                                      {"items_added", done.items_added},
                                      {"items_replaced", done.items_replaced}})
      << "\n";
}

}  // namespace coffer::cli
