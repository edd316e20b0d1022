#include "service/applications.hpp"

#include "common/strings.hpp"
#include "domain/names.hpp"

namespace coffer::service {

Applications::Applications(store::ApplicationStore& store, const common::Clock& clock,
                           ApplicationsOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

std::string Applications::FullName(const AccountRef& account,
                                   const store::Application& application) const {
  return domain::FullAppName(application.short_name, account.name, options_.domain);
}

std::optional<std::string> Applications::ShortNameOf(const AccountRef& account,
                                                     std::string_view name) const {
  return domain::ParseNewAppName(common::AsciiLower(name), account.name, options_.domain);
}

std::optional<store::Application> Applications::FindById(const AccountRef& account,
                                                         int64_t id) const {
  return store_.Find(account.id, id);
}

std::optional<store::Application> Applications::FindByName(const AccountRef& account,
                                                           std::string_view name) const {
  const auto short_name = ShortNameOf(account, name);
  if (!short_name) return std::nullopt;
  return store_.FindByShortName(account.id, *short_name);
}

std::optional<std::string> Applications::CheckNewName(const AccountRef& account,
                                                      std::string_view name) const {
  return domain::ParseNewAppName(name, account.name, options_.domain);
}

store::Result<store::Application> Applications::Add(const AccountRef& account,
                                                    const std::string& short_name,
                                                    bool secure_record_storage) {
  return store_.Create(account.id, short_name, secure_record_storage, clock_.NowSeconds(),
                       options_.max_per_account);
}

ApplicationPage Applications::List(const AccountRef& account, std::optional<int64_t> id,
                                   const std::optional<std::string>& name_part, int64_t count,
                                   int64_t offset) const {
  ApplicationPage page;
  const std::string needle = name_part ? common::AsciiLower(*name_part) : std::string();
  for (auto& application : store_.List(account.id)) {
    if (id && application.id != *id) continue;
    if (!needle.empty() &&
        common::AsciiLower(FullName(account, application)).find(needle) == std::string::npos) {
      continue;
    }
    if (page.total_count++ < offset) continue;
    if (static_cast<int64_t>(page.items.size()) < count) {
      page.items.push_back(std::move(application));
    }
  }
  return page;
}

store::Result<store::Application> Applications::Update(
    const AccountRef& account, const store::Application& application,
    const std::optional<std::string>& new_short_name, std::optional<bool> secure_record_storage) {
  const store::ApplicationChanges changes{new_short_name, secure_record_storage,
                                          clock_.NowSeconds()};
  auto updated = store_.Update(account.id, application.id, changes);
  // The caller resolved it, so missing now means deleted since.
  if (updated.outcome() == store::Outcome::kNotFound) return store::Outcome::kApplicationGone;
  return updated;
}

store::SelectionOutcome Applications::Delete(const AccountRef& account,
                                             const ApplicationsToDelete& which) {
  store::ApplicationSelection selection{which.all, which.ids, {}};
  for (const auto& name : which.names) {
    // A name that cannot be one of the account's applications matches nothing; the empty short
    // name never exists.
    selection.short_names.push_back(ShortNameOf(account, name).value_or(""));
  }
  return store_.Delete(account.id, selection);
}

}  // namespace coffer::service
