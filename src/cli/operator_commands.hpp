#pragma once

#include <ostream>

#include "cli/options.hpp"
#include "common/clock.hpp"
#include "store/store.hpp"

namespace coffer::cli {

// The account with this id; throws std::runtime_error naming it when there is none.
store::Account RequireAccount(store::Store& store, int64_t id);

// Operator commands (SPEC 13.2). Each writes its JSON result to `out` (or a credentials file
// with --out) and throws std::runtime_error with a one-line reason on failure. They may run
// while a server uses the same store; it sees their effect on its next request.
void AccountCreate(store::Store& store, const common::Clock& clock, const AccountCreateOptions& o,
                   std::ostream& out);
void AccountApiKey(store::Store& store, const AccountApiKeyOptions& o, std::ostream& out);
void KeyCreate(store::Store& store, const common::Clock& clock, const KeyCreateOptions& o,
               std::ostream& out);
void KeyList(store::Store& store, const KeyListOptions& o, std::ostream& out);
void KeyDelete(store::Store& store, const KeyDeleteOptions& o, std::ostream& out);
void AppCreate(store::Store& store, const common::Clock& clock, const AppCreateOptions& o,
               std::ostream& out);

}  // namespace coffer::cli
