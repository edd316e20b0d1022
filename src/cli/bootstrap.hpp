#pragma once

#include <optional>
#include <string>

#include "common/clock.hpp"
#include "store/accounts.hpp"

namespace coffer::cli {

// First start (SPEC 13.1): when the store holds no account, creates account 1 (`dev`,
// `dev@localhost`) with one Owner key and writes its credentials to DATA/credentials.json
// (0600). The creation is one store operation, so of servers starting at once on one store
// exactly one creates the account, and only that one writes credentials. An existing
// credentials file is never overwritten. Returns the credentials path when the file exists
// (now or from an earlier start).
std::optional<std::string> BootstrapOwner(store::AccountStore& accounts, const common::Clock& clock,
                                          const std::string& data_dir);

}  // namespace coffer::cli
