#include "service/applications.hpp"

#include <algorithm>

#include "common/api_error.hpp"
#include "common/strings.hpp"
#include "domain/lists.hpp"
#include "domain/names.hpp"

namespace coffer::service {

using common::ApiError;
using common::ErrorCode;

namespace {

std::string OneOf(std::string_view first, std::string_view second) {
  // Fills the 485 template `Specify the '<p>' parameter.` with two names.
  return std::string(first) + "' or '" + std::string(second);
}

}  // namespace

Applications::Applications(store::Store& store, const common::Clock& clock,
                           ApplicationsOptions options)
    : store_(store), clock_(clock), options_(std::move(options)) {}

std::string Applications::FullName(const AccountRef& account,
                                   const store::Application& application) const {
  return domain::FullAppName(application.short_name, account.name, options_.domain);
}

std::optional<store::Application> Applications::FindByName(const AccountRef& account,
                                                           std::string_view name) const {
  const auto short_name =
      domain::ParseNewAppName(common::AsciiLower(name), account.name, options_.domain);
  if (!short_name) return std::nullopt;
  return store_.FindApplicationByShortName(account.id, *short_name);
}

store::Application Applications::Resolve(const AccountRef& account,
                                         const std::optional<std::string>& id_text,
                                         const std::optional<std::string>& name,
                                         std::string_view id_param,
                                         std::string_view name_param) const {
  if (id_text) {
    const auto id = common::ParseStrictInt64(*id_text);
    if (!id || *id < 0) throw ApiError(ErrorCode::kInvalidApplicationId);
    if (*id != 0) {
      auto application = store_.FindApplication(account.id, *id);
      if (!application) throw ApiError(ErrorCode::kInvalidApplicationId);
      return *application;
    }
  }
  if (name) {
    auto application = FindByName(account, *name);
    if (!application) throw ApiError(ErrorCode::kApplicationNotFound);
    return *application;
  }
  throw ApiError(ErrorCode::kMissingParameter, OneOf(id_param, name_param));
}

std::string Applications::CheckNewName(const AccountRef& account, std::string_view name) const {
  auto short_name = domain::ParseNewAppName(name, account.name, options_.domain);
  if (!short_name) throw ApiError(ErrorCode::kInvalidApplicationName);
  return std::move(*short_name);
}

store::Application Applications::Add(const AccountRef& account, std::string_view name,
                                     bool secure_record_storage) {
  const std::string short_name = CheckNewName(account, name);
  try {
    return store_.CreateApplication(account.id, short_name, secure_record_storage,
                                    clock_.NowSeconds(), options_.max_per_account);
  } catch (const store::Conflict&) {
    throw ApiError(ErrorCode::kApplicationNameNotUnique);
  } catch (const store::LimitExceeded&) {
    throw ApiError(ErrorCode::kApplicationLimit);
  }
}

ApplicationPage Applications::List(const AccountRef& account, std::optional<int64_t> id,
                                   const std::optional<std::string>& name_part, int64_t count,
                                   int64_t offset) const {
  ApplicationPage page;
  const std::string needle = name_part ? common::AsciiLower(*name_part) : std::string();
  for (auto& application : store_.ListApplications(account.id)) {
    if (id && application.id != *id) continue;
    if (!needle.empty() &&
        common::AsciiLower(FullName(account, application)).find(needle) == std::string::npos) {
      continue;
    }
    if (page.total_count++ < offset) continue;
    if (static_cast<int64_t>(page.items.size()) < count) page.items.push_back(std::move(application));
  }
  return page;
}

store::Application Applications::Update(const AccountRef& account, const store::Application& application,
                                        const std::optional<std::string>& new_name,
                                        std::optional<bool> secure_record_storage) {
  store::ApplicationChanges changes{std::nullopt, secure_record_storage, clock_.NowSeconds()};
  if (new_name) changes.short_name = CheckNewName(account, *new_name);
  std::optional<store::Application> updated;
  try {
    updated = store_.UpdateApplication(account.id, application.id, changes);
  } catch (const store::Conflict&) {
    throw ApiError(ErrorCode::kApplicationNameNotUnique);
  }
  if (!updated) throw store::ApplicationGone("application deleted while being updated");
  return *updated;
}

void Applications::Delete(const AccountRef& account, const std::optional<std::string>& ids_text,
                          const std::optional<std::string>& names_text) {
  if (!ids_text && !names_text) {
    throw ApiError(ErrorCode::kMissingParameter, OneOf("application_id", "application_name"));
  }
  store::ApplicationSelection selection;
  if (ids_text) {
    auto list = domain::ParseIdList(*ids_text, true);
    if (!list) throw ApiError(ErrorCode::kInvalidApplicationId);
    selection.all = list->all;
    selection.ids = std::move(list->ids);
  }
  if (names_text) {
    const auto names = domain::ParseStringList(*names_text);
    if (!names) throw ApiError(ErrorCode::kInvalidParameter, "application_name");
    for (const auto& name : *names) {
      // A name that cannot be one of the account's applications matches nothing (558); the
      // empty short name never exists.
      const auto short_name =
          domain::ParseNewAppName(common::AsciiLower(name), account.name, options_.domain);
      selection.short_names.push_back(short_name.value_or(""));
    }
  }
  switch (store_.DeleteApplications(account.id, selection)) {
    case store::SelectionMiss::kNone:
      return;
    case store::SelectionMiss::kId:
      throw ApiError(ErrorCode::kInvalidApplicationId);
    case store::SelectionMiss::kName:
      throw ApiError(ErrorCode::kApplicationNotFound);
  }
}

}  // namespace coffer::service
