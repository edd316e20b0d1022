#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "store/applications.hpp"

namespace coffer::service {

// The account on whose behalf a use case runs; every lookup is scoped by it.
struct AccountRef {
  int64_t id = 0;
  std::string name;
};

struct ApplicationsOptions {
  // Last labels of every full application name: `<short>.<account>.<domain>`.
  std::string domain = "voximplant.com";
  // Applications per account; 0 = unlimited.
  int64_t max_per_account = 0;
};

struct ApplicationPage {
  std::vector<store::Application> items;
  int64_t total_count = 0;
};

// Which applications Delete removes: all of the account's, or the union of the listed ids and
// names (short or full, any case).
struct ApplicationsToDelete {
  bool all = false;
  std::vector<int64_t> ids;
  std::vector<std::string> names;
};

// Application use cases (SPEC 4 and 8), transport-free: results are store outcomes, never
// protocol errors. Storage failures propagate as store::StoreError. Thread-safe; the store
// must outlive it.
class Applications {
 public:
  Applications(store::ApplicationStore& store, const common::Clock& clock,
               ApplicationsOptions options);

  // The account's application with this id; nullopt for none or another account's.
  std::optional<store::Application> FindById(const AccountRef& account, int64_t id) const;
  // The account's application with this full or short name, in any case; nullopt for none.
  std::optional<store::Application> FindByName(const AccountRef& account,
                                               std::string_view name) const;

  // The short name a new or renamed application would get from `name`, a short or full name;
  // nullopt when `name` is malformed.
  std::optional<std::string> CheckNewName(const AccountRef& account, std::string_view name) const;

  // Adds an application named `short_name` (as CheckNewName returned it). kOk with it;
  // kConflict when the name is taken in the account; kLimitExceeded at max_per_account.
  store::Result<store::Application> Add(const AccountRef& account, const std::string& short_name,
                                        bool secure_record_storage);

  // The account's applications, optionally only the one with `id` and those whose full name
  // contains `name_part` ignoring case, ordered by id, then paged; the total counts them all.
  ApplicationPage List(const AccountRef& account, std::optional<int64_t> id,
                       const std::optional<std::string>& name_part, int64_t count,
                       int64_t offset) const;

  // Renames (to `new_short_name`, as CheckNewName returned it) and/or sets the flag; `modified`
  // moves. The changes apply to the row as it is when written, so concurrent updates of
  // different fields all take effect. kOk with the result; kConflict when the name is taken;
  // kApplicationGone when the application was deleted after it was resolved.
  store::Result<store::Application> Update(const AccountRef& account,
                                           const store::Application& application,
                                           const std::optional<std::string>& new_short_name,
                                           std::optional<bool> secure_record_storage);

  // Deletes the selection, all or nothing: kOk, or kNotFound naming the list (ids first) with
  // an entry that is not one of the account's applications.
  store::SelectionOutcome Delete(const AccountRef& account, const ApplicationsToDelete& which);

  std::string FullName(const AccountRef& account, const store::Application& application) const;

 private:
  // The short name `name` can denote in the account: lower-cased, full names stripped.
  std::optional<std::string> ShortNameOf(const AccountRef& account, std::string_view name) const;

  store::ApplicationStore& store_;
  const common::Clock& clock_;
  const ApplicationsOptions options_;
};

}  // namespace coffer::service
