#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <optional>

#include "cli/options.hpp"

namespace coffer::cli {

// The client commands of SPEC 17 on a CLI11 app: `call`, and the shorthands `app ls|add|rm`
// (beside the operator's `app create` in `app_group`), `secret ls|add|get|set|rm` and
// `kv ls|get|set|rm`. Each shorthand is one method with its parameters.
class ClientCommandLine {
 public:
  ClientCommandLine(CLI::App& app, CLI::App& app_group);
  ~ClientCommandLine();

  // After the app parsed: the call one of these commands asked for, or nullopt. Throws
  // UsageError for a parameter that is not `name=value` or `name@FILE`.
  std::optional<ClientOptions> Parsed() const;

 private:
  struct Commands;
  std::unique_ptr<Commands> commands_;
};

}  // namespace coffer::cli
