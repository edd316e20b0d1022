#include "service/secrets.hpp"

#include "service/secret_binding.hpp"
#include "store/audit.hpp"

namespace coffer::service {

using common::SecureString;
using store::Outcome;

namespace {

constexpr auto Binding = SecretBinding;
constexpr const char* kNoDataKey = "application has secrets but no data key";

store::SecretLookup Lookup(const SecretRef& ref) {
  return store::SecretLookup{ref.id, ref.id ? std::string() : ref.name.value_or("")};
}

std::optional<std::string> OpenDescription(int64_t account_id, const SecureString& data_key,
                                           const store::SecretRecord& record) {
  if (!record.sealed_description) return std::nullopt;
  const SecureString description =
      crypto::Keyring::Open(data_key, *record.sealed_description,
                            Binding(account_id, record.application_id, record.id, "description"));
  return std::string(description.view());
}

Secret Describe(int64_t account_id, const SecureString& data_key,
                const store::SecretRecord& record) {
  return Secret{record.id, record.name, OpenDescription(account_id, data_key, record),
                record.created, record.modified};
}

// What `changes` make of `current`, or nullopt when they change nothing. Pure, as the store
// requires of a write's callback: it runs inside the write on the row as it is then, may run
// more than once, and touches nothing but its arguments.
std::optional<store::SecretRecord> Revise(const store::SecretRecord& current,
                                          const SecretChanges& changes,
                                          const SecureString& data_key, int64_t account_id,
                                          int64_t now) {
  store::SecretRecord record = current;
  const auto binding = [&](std::string_view field) {
    return Binding(account_id, record.application_id, record.id, field);
  };
  bool changed = false;
  if (changes.new_name && *changes.new_name != record.name) {
    record.name = *changes.new_name;
    changed = true;
  }
  if (changes.value &&
      crypto::Keyring::Open(data_key, record.sealed_value, binding("value")).view() !=
          changes.value->view()) {
    record.sealed_value = crypto::Keyring::Seal(data_key, changes.value->view(), binding("value"));
    changed = true;
  }
  if (changes.description) {
    std::optional<std::string> wanted;
    if (!changes.description->empty()) wanted = *changes.description;
    if (wanted != OpenDescription(account_id, data_key, record)) {
      record.sealed_description = std::nullopt;
      if (wanted) {
        record.sealed_description =
            crypto::Keyring::Seal(data_key, *wanted, binding("description"));
      }
      changed = true;
    }
  }
  if (!changed) return std::nullopt;
  record.modified = now;
  return record;
}

}  // namespace

Secrets::Secrets(store::SecretStore& store, const crypto::Keyring& keyring,
                 const common::Clock& clock)
    : store_(store), keyring_(keyring), clock_(clock) {}

store::Result<SecureString> Secrets::DataKey(int64_t application_id) const {
  const auto wrapped = store_.GetDataKey(application_id);
  if (!wrapped.ok()) return wrapped.outcome();
  return keyring_.UnwrapDataKey(wrapped.value(), application_id);
}

store::Result<SecureString> Secrets::EnsureDataKey(int64_t application_id) {
  auto existing = DataKey(application_id);
  if (existing.outcome() != Outcome::kNotFound) return existing;
  const SecureString fresh = crypto::Keyring::NewDataKey();
  // Made on the way to the call's own write, which alone carries its audit record.
  const store::AuditScope::Aside not_the_audited_write;
  const auto in_force =
      store_.EnsureDataKey(application_id, keyring_.WrapDataKey(fresh, application_id));
  if (!in_force.ok()) return in_force.outcome();
  return keyring_.UnwrapDataKey(in_force.value(), application_id);
}

store::Result<SecureString> Secrets::DataKeyOfExisting(int64_t application_id) const {
  auto data_key = DataKey(application_id);
  if (data_key.outcome() == Outcome::kNotFound) {
    throw crypto::KeyringError(kNoDataKey);
  }
  return data_key;
}

store::Result<int64_t> Secrets::Add(int64_t account_id, int64_t application_id,
                                    const std::string& name, const SecureString& value,
                                    const std::optional<std::string>& description) {
  const auto data_key = EnsureDataKey(application_id);
  if (!data_key.ok()) return data_key.outcome();
  // Pure: seals with the key unwrapped above, whatever id the write hands it.
  const auto seal = [&](int64_t id) {
    store::SealedSecretFields sealed;
    sealed.value = crypto::Keyring::Seal(data_key.value(), value.view(),
                                         Binding(account_id, application_id, id, "value"));
    if (description) {
      sealed.description = crypto::Keyring::Seal(
          data_key.value(), *description, Binding(account_id, application_id, id, "description"));
    }
    return sealed;
  };
  const auto added = store_.Add(application_id, name, clock_.NowSeconds(), seal);
  if (!added.ok()) return added.outcome();
  return added->id;
}

store::Result<SecretListPage> Secrets::List(int64_t account_id, int64_t application_id,
                                            const std::string& name_part, int64_t offset,
                                            int64_t count) const {
  const auto page = store_.List(application_id, name_part, offset, count);
  if (!page.ok()) return page.outcome();
  SecretListPage result{{}, page->total_count};
  if (page->items.empty()) return result;
  const auto data_key = DataKeyOfExisting(application_id);
  if (!data_key.ok()) return data_key.outcome();
  for (const auto& record : page->items) {
    result.items.push_back(Describe(account_id, data_key.value(), record));
  }
  return result;
}

store::Result<int64_t> Secrets::Locate(int64_t application_id, const SecretRef& ref) const {
  const auto record = store_.Find(application_id, Lookup(ref));
  if (!record.ok()) return record.outcome();
  return record->id;
}

store::Result<RevealedSecret> Secrets::Reveal(int64_t account_id, int64_t application_id,
                                              const SecretRef& ref) const {
  // One read for the secret and its data key (one round trip on PostgreSQL).
  const auto found = store_.FindSealed(application_id, Lookup(ref));
  if (!found.ok()) return found.outcome();
  const store::SecretRecord& record = found->record;
  if (!found->wrapped_data_key) throw crypto::KeyringError(kNoDataKey);
  const SecureString data_key = keyring_.UnwrapDataKey(*found->wrapped_data_key, application_id);
  SecureString value = crypto::Keyring::Open(
      data_key, record.sealed_value, Binding(account_id, application_id, record.id, "value"));
  return RevealedSecret{Describe(account_id, data_key, record), std::move(value)};
}

Outcome Secrets::Update(int64_t account_id, int64_t application_id, const SecretRef& ref,
                        SecretChanges changes) {
  // An application's data key never changes once set, so it is unwrapped before the write and
  // the write's callback only computes. No data key means no secret was ever added.
  const auto data_key = DataKey(application_id);
  if (!data_key.ok()) return data_key.outcome();
  const int64_t now = clock_.NowSeconds();
  return store_.Revise(application_id, Lookup(ref), [&](const store::SecretRecord& current) {
    return Revise(current, changes, data_key.value(), account_id, now);
  });
}

store::SelectionOutcome Secrets::Delete(int64_t application_id, bool all_ids,
                                        const std::vector<int64_t>& ids,
                                        const std::vector<std::string>& names) {
  return store_.Delete(application_id, store::SecretSelection{all_ids, ids, names});
}

}  // namespace coffer::service
