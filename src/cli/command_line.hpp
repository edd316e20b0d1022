#pragma once

#include <string>
#include <variant>

#include "cli/options.hpp"

namespace coffer::cli {

using Command =
    std::variant<ServeOptions, AccountCreateOptions, AccountApiKeyOptions, KeyCreateOptions,
                 KeyListOptions, KeyDeleteOptions, AppCreateOptions, MasterKeyGenerateOptions,
                 MasterKeyRotateOptions, MigrateOptions, BackupOptions, RestoreOptions,
                 AuditListOptions, AuditVerifyOptions, ExportOptions, ImportOptions, ClientOptions>;

// The command line is wrong: print `what()` as one line and exit with status 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Help or version was asked for: print `text` and exit 0.
struct HelpRequested {
  std::string text;
};

// Parses argv into one command with validated options; throws UsageError or HelpRequested.
Command ParseCommandLine(int argc, const char* const* argv);

}  // namespace coffer::cli
