#pragma once

#include <ostream>

#include "cli/options.hpp"
#include "common/clock.hpp"
#include "service/audit_trail.hpp"
#include "store/store.hpp"

namespace coffer::cli {

// `coffer export` (SPEC 16): records the export in the audit log, then writes the account's
// application to a new file (0600) sealed under the passphrase, and prints what it wrote as
// JSON. Throws std::runtime_error with a one-line reason, writing nothing.
void ExportCommand(store::Store& store, service::AuditTrail& trail, const common::Clock& clock,
                   const ExportOptions& options, std::ostream& out);

// `coffer import`: reads the whole source first (an export file, checked and opened, or another
// server through /platform_api), then loads it into the account's application in one write
// that carries its audit record, and prints what changed as JSON. Throws std::runtime_error
// with a one-line reason (wrong passphrase, truncated or changed file, a name that exists
// without --replace), changing nothing.
void ImportCommand(store::Store& store, service::AuditTrail& trail, const common::Clock& clock,
                   const ImportOptions& options, std::ostream& out);

}  // namespace coffer::cli
