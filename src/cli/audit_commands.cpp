#include "cli/audit_commands.hpp"

#include <boost/json.hpp>

namespace coffer::cli {

service::AuditEvent OperatorEvent(std::string command, int64_t account_id,
                                  std::vector<std::string> named) {
  return service::AuditEvent{.time = 0,
                             .account_id = account_id,
                             .key_id = "operator",
                             .client = "",
                             .method = std::move(command),
                             .application_id = std::nullopt,
                             .secrets = {},
                             .named = std::move(named),
                             .error_code = 0};
}

void AuditList(service::AuditTrail& trail, const AuditListOptions& options, std::ostream& out) {
  trail.List(options.since, options.application_id,
             [&out](const std::string& line) { out << line << "\n"; });
}

int AuditVerify(service::AuditTrail& trail, std::ostream& out, std::ostream& err) {
  const service::AuditVerdict verdict = trail.Verify();
  boost::json::object report{{"intact", verdict.intact}, {"records", verdict.records}};
  if (verdict.intact) {
    report["head"] = verdict.head_hash;
  } else {
    report["first_bad"] = verdict.first_bad;
    report["problem"] = verdict.problem;
  }
  out << boost::json::serialize(report) << "\n";
  if (verdict.intact) return 0;
  err << "coffer: the audit log is not intact: " << verdict.problem << "\n";
  return 1;
}

}  // namespace coffer::cli
