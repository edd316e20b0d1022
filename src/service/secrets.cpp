#include "service/secrets.hpp"

#include "common/api_error.hpp"
#include "service/application_gone.hpp"

namespace coffer::service {

using common::ApiError;
using common::ErrorCode;
using common::SecureString;

namespace {

// Associated data of a sealed field: a ciphertext opens only in the row and field it was
// written for.
std::string Binding(int64_t account_id, int64_t application_id, int64_t secret_id,
                    std::string_view field) {
  return "coffer:secret:v1:" + std::to_string(account_id) + ":" + std::to_string(application_id) +
         ":" + std::to_string(secret_id) + ":" + std::string(field);
}

store::SecretLookup Lookup(const SecretRef& ref) {
  return store::SecretLookup{ref.id, ref.id ? std::string() : ref.name.value_or("")};
}

}  // namespace

Secrets::Secrets(store::Store& store, const crypto::Keyring& keyring, const common::Clock& clock)
    : store_(store), keyring_(keyring), clock_(clock) {}

SecureString Secrets::DataKey(int64_t application_id, bool create) const {
  if (auto wrapped = store_.GetDataKey(application_id)) {
    return keyring_.UnwrapDataKey(*wrapped, application_id);
  }
  if (!create) throw crypto::KeyringError("application has no data key");
  const SecureString fresh = crypto::Keyring::NewDataKey();
  const std::string in_force =
      store_.EnsureDataKey(application_id, keyring_.WrapDataKey(fresh, application_id));
  return keyring_.UnwrapDataKey(in_force, application_id);
}

Secret Secrets::Describe(int64_t account_id, const SecureString& data_key,
                         const store::SecretRecord& record) const {
  Secret secret{record.id, record.name, std::nullopt, record.created, record.modified};
  if (record.sealed_description) {
    const SecureString description = crypto::Keyring::Open(
        data_key, *record.sealed_description,
        Binding(account_id, record.application_id, record.id, "description"));
    secret.description = std::string(description.view());
  }
  return secret;
}

int64_t Secrets::Add(int64_t account_id, int64_t application_id, const std::string& name,
                     const SecureString& value, const std::optional<std::string>& description) {
  const SecureString data_key = DataKey(application_id, true);
  try {
    return store_
        .AddSecret(application_id, name, clock_.NowSeconds(),
                   [&](int64_t id) {
                     store::SealedSecretFields sealed;
                     sealed.value = crypto::Keyring::Seal(
                         data_key, value.view(), Binding(account_id, application_id, id, "value"));
                     if (description) {
                       sealed.description = crypto::Keyring::Seal(
                           data_key, *description,
                           Binding(account_id, application_id, id, "description"));
                     }
                     return sealed;
                   })
        .id;
  } catch (const store::Conflict&) {
    throw ApiError(ErrorCode::kNotUnique, "secret_name");
  }
}

SecretListPage Secrets::List(int64_t account_id, int64_t application_id,
                             const std::string& name_part, int64_t offset, int64_t count) const {
  const store::SecretPage page = store_.ListSecrets(application_id, name_part, offset, count);
  SecretListPage result{{}, page.total_count};
  if (page.items.empty()) {
    RequireApplicationAfterEmptyRead(store_, application_id);
    return result;
  }
  const SecureString data_key = DataKey(application_id, false);
  for (const auto& record : page.items) result.items.push_back(Describe(account_id, data_key, record));
  return result;
}

store::SecretRecord Secrets::Find(int64_t application_id, const SecretRef& ref) const {
  auto record = ref.id ? store_.FindSecretById(application_id, *ref.id)
                       : store_.FindSecretByName(application_id, ref.name.value_or(""));
  if (!record) {
    RequireApplicationAfterEmptyRead(store_, application_id);
    throw ApiError(ErrorCode::kInvalidParameter, ref.id ? "secret_id" : "secret_name");
  }
  return *record;
}

int64_t Secrets::Locate(int64_t application_id, const SecretRef& ref) const {
  return Find(application_id, ref).id;
}

std::pair<Secret, SecureString> Secrets::Reveal(int64_t account_id, int64_t application_id,
                                                const SecretRef& ref) const {
  const store::SecretRecord record = Find(application_id, ref);
  const SecureString data_key = DataKey(application_id, false);
  SecureString value = crypto::Keyring::Open(data_key, record.sealed_value,
                                             Binding(account_id, application_id, record.id, "value"));
  return {Describe(account_id, data_key, record), std::move(value)};
}

void Secrets::Update(int64_t account_id, int64_t application_id, const SecretRef& ref,
                     SecretChanges changes) {
  // Runs inside the store's write transaction, on the secret as it is at that moment.
  const auto revise = [&](const store::SecretRecord& current) -> std::optional<store::SecretRecord> {
    const SecureString data_key = DataKey(application_id, false);
    store::SecretRecord record = current;
    const Secret described = Describe(account_id, data_key, record);
    bool changed = false;
    if (changes.new_name && *changes.new_name != record.name) {
      record.name = *changes.new_name;
      changed = true;
    }
    if (changes.value) {
      const std::string binding = Binding(account_id, application_id, record.id, "value");
      const SecureString old_value = crypto::Keyring::Open(data_key, record.sealed_value, binding);
      if (old_value.view() != changes.value->view()) {
        record.sealed_value = crypto::Keyring::Seal(data_key, changes.value->view(), binding);
        changed = true;
      }
    }
    if (changes.description) {
      std::optional<std::string> wanted;
      if (!changes.description->empty()) wanted = *changes.description;
      if (wanted != described.description) {
        record.sealed_description =
            wanted ? std::optional<std::string>(crypto::Keyring::Seal(
                         data_key, *wanted,
                         Binding(account_id, application_id, record.id, "description")))
                   : std::nullopt;
        changed = true;
      }
    }
    if (!changed) return std::nullopt;
    record.modified = clock_.NowSeconds();
    return record;
  };
  bool found = false;
  try {
    found = store_.ReviseSecret(application_id, Lookup(ref), revise);
  } catch (const store::Conflict&) {
    throw ApiError(ErrorCode::kNotUnique, "new_secret_name");
  }
  if (!found) throw ApiError(ErrorCode::kInvalidParameter, ref.id ? "secret_id" : "secret_name");
}

void Secrets::Delete(int64_t application_id, bool all_ids, const std::vector<int64_t>& ids,
                     const std::vector<std::string>& names) {
  switch (store_.DeleteSecrets(application_id, store::SecretSelection{all_ids, ids, names})) {
    case store::SelectionMiss::kNone:
      return;
    case store::SelectionMiss::kId:
      throw ApiError(ErrorCode::kInvalidParameter, "secret_id");
    case store::SelectionMiss::kName:
      throw ApiError(ErrorCode::kInvalidParameter, "secret_name");
  }
}

}  // namespace coffer::service
