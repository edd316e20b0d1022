#pragma once

#include <stdexcept>

#include "cli/options.hpp"

namespace coffer::cli {

// Coffer could not start (bad address, unusable data directory or TLS files, wrong database):
// nothing is served; the caller prints `what()` and exits 2.
class StartupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `coffer serve` (SPEC 13.1): wires the store, services, API and transport together and serves
// until SIGINT or SIGTERM. Returns the exit status; throws StartupError before serving.
int RunServe(const ServeOptions& options);

}  // namespace coffer::cli
