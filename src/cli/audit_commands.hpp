#pragma once

#include <ostream>
#include <string>

#include "cli/options.hpp"
#include "service/audit_trail.hpp"
#include "store/store.hpp"

namespace coffer::cli {

// What an operator command's change records (SPEC 16): key id "operator", no client address.
// `named`: what it names besides the account ("key:<id>", "application_name:<name>").
service::AuditEvent OperatorEvent(std::string command, int64_t account_id,
                                  std::vector<std::string> named = {});

// `coffer audit list`: the records from --since on (of --application when given), one JSON object
// per line.
void AuditList(service::AuditTrail& trail, const AuditListOptions& options, std::ostream& out);

// `coffer audit verify`: prints the verdict as JSON; returns 0 when the chain is intact, 1 with
// the first bad record named on `err` otherwise.
int AuditVerify(service::AuditTrail& trail, std::ostream& out, std::ostream& err);

}  // namespace coffer::cli
