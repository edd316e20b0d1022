#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "store/store.hpp"

namespace coffer::service {

// The account on whose behalf a use case runs; every lookup is scoped by it.
struct AccountRef {
  int64_t id = 0;
  std::string name;
};

struct ApplicationsOptions {
  // Last labels of every full application name: `<short>.<account>.<domain>`.
  std::string domain = "voximplant.com";
  // Applications per account; 0 = unlimited (answered 108 when reached).
  int64_t max_per_account = 0;
};

struct ApplicationPage {
  std::vector<store::Application> items;
  int64_t total_count = 0;
};

// Application use cases (SPEC 4 and 8). Failures are common::ApiError with the protocol code;
// storage failures propagate as store::StoreError. Thread-safe.
class Applications {
 public:
  Applications(store::Store& store, const common::Clock& clock, ApplicationsOptions options);

  // SPEC 4.2: by `id_text` when present and not 0 (116 if malformed or not the caller's),
  // otherwise by full or short name (558), otherwise 485 naming `id_param` or `name_param`.
  store::Application Resolve(const AccountRef& account, const std::optional<std::string>& id_text,
                             const std::optional<std::string>& name,
                             std::string_view id_param = "application_id",
                             std::string_view name_param = "application_name") const;

  // The short name a new or renamed application would get from `name` (107 if malformed).
  std::string CheckNewName(const AccountRef& account, std::string_view name) const;

  // AddApplication: `name` is a short or full name (107), unique in the account (129).
  store::Application Add(const AccountRef& account, std::string_view name,
                         bool secure_record_storage);

  // GetApplications: optional exact id, optional case-insensitive full-name substring,
  // ordered by id, then paged.
  ApplicationPage List(const AccountRef& account, std::optional<int64_t> id,
                       const std::optional<std::string>& name_part, int64_t count,
                       int64_t offset) const;

  // SetApplicationInfo: renames (107/129) and/or sets the flag; `modified` moves. The
  // changes apply to the row as it is when written, so concurrent updates of different fields
  // all take effect. Throws store::ApplicationGone when the application was deleted meanwhile.
  store::Application Update(const AccountRef& account, const store::Application& application,
                            const std::optional<std::string>& new_name,
                            std::optional<bool> secure_record_storage);

  // DelApplication: the union of an intlist-or-`all` of ids (116) and a list of names (558;
  // an empty element 496), all or nothing; 485 when both are absent.
  void Delete(const AccountRef& account, const std::optional<std::string>& ids_text,
              const std::optional<std::string>& names_text);

  std::string FullName(const AccountRef& account, const store::Application& application) const;

 private:
  std::optional<store::Application> FindByName(const AccountRef& account,
                                               std::string_view name) const;

  store::Store& store_;
  const common::Clock& clock_;
  const ApplicationsOptions options_;
};

}  // namespace coffer::service
