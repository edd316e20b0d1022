// Composition root: parses the command line and runs one command.

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <iostream>

#include "cli/audit_commands.hpp"
#include "cli/backup.hpp"
#include "cli/client_commands.hpp"
#include "cli/command_line.hpp"
#include "cli/data_dir.hpp"
#include "cli/master_key.hpp"
#include "cli/migrate.hpp"
#include "cli/operator_commands.hpp"
#include "cli/serve.hpp"
#include "cli/transfer_commands.hpp"
#include "store/open.hpp"

namespace {

using namespace coffer;

// What an operator command records in the audit log when it changes something.
template <typename Options>
service::AuditEvent OperatorChange(const Options& o) {
  if constexpr (std::is_same_v<Options, cli::AccountCreateOptions>) {
    return cli::OperatorEvent("account create", 0);
  } else if constexpr (std::is_same_v<Options, cli::AccountApiKeyOptions>) {
    return cli::OperatorEvent("account api-key", o.account_id);
  } else if constexpr (std::is_same_v<Options, cli::KeyCreateOptions>) {
    return cli::OperatorEvent("key create", o.account_id);
  } else if constexpr (std::is_same_v<Options, cli::KeyDeleteOptions>) {
    return cli::OperatorEvent("key delete", 0, {"key:" + o.key_id});
  } else if constexpr (std::is_same_v<Options, cli::AppCreateOptions>) {
    return cli::OperatorEvent("app create", o.account_id, {"application_name:" + o.name});
  } else if constexpr (std::is_same_v<Options, cli::MasterKeyRotateOptions>) {
    return cli::OperatorEvent("master-key rotate", 0);
  } else {
    return cli::OperatorEvent("operator command", 0);
  }
}

// Throws unless `storage` names an existing SQLite store (or any PostgreSQL one).
void RequireStore(const cli::StorageOptions& storage) {
  if (!storage.postgres_url.empty()) return;
  const std::string path = cli::StorageIn(storage.data_dir).sqlite_path;
  if (!std::filesystem::is_regular_file(path)) {
    throw std::runtime_error("no Coffer store at " + path);
  }
}

// Operator commands share the server's storage.
std::unique_ptr<store::Store> OpenStore(const cli::StorageOptions& storage) {
  cli::PrepareDataDir(storage.data_dir);
  return store::Open(cli::StorageFor(storage.data_dir, storage.postgres_url, storage.db_pool));
}

int RunOperatorCommand(const cli::Command& command) {
  common::SystemClock clock;
  return std::visit(
      [&](const auto& o) -> int {
        using Options = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<Options, cli::MasterKeyGenerateOptions>) {
          cli::MasterKeyGenerate(o, std::cout);
          return 0;
        } else if constexpr (std::is_same_v<Options, cli::MigrateOptions>) {
          cli::Migrate(o, std::cout);
          return 0;
        } else if constexpr (std::is_same_v<Options, cli::ServeOptions>) {
          return cli::RunServe(o);
        } else if constexpr (std::is_same_v<Options, cli::ClientOptions>) {
          return cli::RunClient(o, std::cout, std::cerr, ::isatty(STDOUT_FILENO) == 1);
        } else if constexpr (std::is_same_v<Options, cli::BackupOptions>) {
          cli::BackupCommand(o, std::cout);
          return 0;
        } else if constexpr (std::is_same_v<Options, cli::RestoreOptions>) {
          cli::RestoreCommand(o, std::cout);
          return 0;
        } else {
          if constexpr (std::is_same_v<Options, cli::AuditListOptions> ||
                        std::is_same_v<Options, cli::AuditVerifyOptions> ||
                        std::is_same_v<Options, cli::ExportOptions> ||
                        std::is_same_v<Options, cli::ImportOptions>) {
            RequireStore(o.storage);  // these need an account's data: never a new store
          }
          auto store = OpenStore(o.storage);
          service::AuditTrail trail(store->audit(), clock);
          if constexpr (std::is_same_v<Options, cli::ExportOptions>) {
            cli::ExportCommand(*store, trail, clock, o, std::cout);
            return 0;
          } else if constexpr (std::is_same_v<Options, cli::ImportOptions>) {
            cli::ImportCommand(*store, trail, clock, o, std::cout);  // records itself
            return 0;
          }
          if constexpr (std::is_same_v<Options, cli::AuditListOptions>) {
            cli::AuditList(trail, o, std::cout);
            return 0;
          } else if constexpr (std::is_same_v<Options, cli::AuditVerifyOptions>) {
            return cli::AuditVerify(trail, std::cout, std::cerr);
          }
          // The command's change carries its audit record (SPEC 16).
          const auto audited = trail.Attach([&o] { return OperatorChange(o); });
          if constexpr (std::is_same_v<Options, cli::AccountCreateOptions>) {
            cli::AccountCreate(*store, clock, o, std::cout);
          } else if constexpr (std::is_same_v<Options, cli::AccountApiKeyOptions>) {
            cli::AccountApiKey(*store, o, std::cout);
          } else if constexpr (std::is_same_v<Options, cli::KeyCreateOptions>) {
            cli::KeyCreate(*store, clock, o, std::cout);
          } else if constexpr (std::is_same_v<Options, cli::KeyListOptions>) {
            cli::KeyList(*store, o, std::cout);
          } else if constexpr (std::is_same_v<Options, cli::KeyDeleteOptions>) {
            cli::KeyDelete(*store, o, std::cout);
          } else if constexpr (std::is_same_v<Options, cli::AppCreateOptions>) {
            cli::AppCreate(*store, clock, o, std::cout);
          } else if constexpr (std::is_same_v<Options, cli::MasterKeyRotateOptions>) {
            cli::MasterKeyRotate(*store, o, std::cout);
          }
          return 0;
        }
      },
      command);
}

}  // namespace

int main(int argc, char** argv) {
  // Everything Coffer writes (database, keys, credentials) is for its owner only.
  ::umask(077);
  // Past a file-size limit (ulimit -f) a write then fails with EFBIG, which the store reports
  // like any I/O error, instead of the signal killing the process in the middle of a commit.
  std::signal(SIGXFSZ, SIG_IGN);
  cli::Command command;
  try {
    command = cli::ParseCommandLine(argc, argv);
  } catch (const cli::HelpRequested& help) {
    std::cout << help.text;
    return 0;
  } catch (const cli::UsageError& e) {
    std::cerr << "coffer: " << e.what() << "\n";
    return 2;
  }
  try {
    if (const auto* serve = std::get_if<cli::ServeOptions>(&command)) return cli::RunServe(*serve);
    return RunOperatorCommand(command);
  } catch (const cli::StartupError& e) {
    std::cerr << "coffer: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "coffer: " << e.what() << "\n";
    return 1;
  }
}
