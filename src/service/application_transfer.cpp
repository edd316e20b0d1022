#include "service/application_transfer.hpp"

#include <boost/json.hpp>
#include <set>

#include "common/timestamp.hpp"
#include "common/utf8.hpp"
#include "domain/key_value_rules.hpp"
#include "domain/secret_rules.hpp"
#include "service/secret_binding.hpp"

namespace coffer::service {

using common::SecureString;

namespace {

// As a JSON string, so that no name can break the one-line message it is quoted in.
std::string Quoted(std::string_view text) {
  return boost::json::serialize(boost::json::string(text));
}

// Refuses what the API itself would refuse to store (SPEC 6.1, 7.1).
void CheckEntries(const ApplicationExport& data) {
  std::set<std::string_view> names;
  for (const ExportedSecret& secret : data.secrets) {
    if (!domain::IsValidSecretName(secret.name)) {
      throw ImportRejected("secret name " + Quoted(secret.name) + " is not a valid secret name");
    }
    if (secret.created < 0 || secret.created > secret.modified ||
        secret.modified > common::kLatestTimestamp) {
      throw ImportRejected("secret " + Quoted(secret.name) +
                           " has times out of order or out of range");
    }
    if (!names.insert(secret.name).second) {
      throw ImportRejected("secret " + Quoted(secret.name) + " appears twice");
    }
    if (!common::IsValidUtf8(secret.value.view()) || secret.value.view().empty() ||
        common::CountCodePoints(secret.value.view()) > domain::kMaxSecretValueLength) {
      throw ImportRejected("the value of secret " + Quoted(secret.name) +
                           " is empty, not UTF-8 or longer than " +
                           std::to_string(domain::kMaxSecretValueLength) + " characters");
    }
    if (secret.description &&
        (!common::IsValidUtf8(*secret.description) ||
         common::CountCodePoints(*secret.description) > domain::kMaxSecretDescriptionLength)) {
      throw ImportRejected("the description of secret " + Quoted(secret.name) +
                           " is not UTF-8 or longer than " +
                           std::to_string(domain::kMaxSecretDescriptionLength) + " characters");
    }
  }
  std::set<std::string_view> keys;
  for (const store::KvItem& item : data.items) {
    if (!common::IsValidUtf8(item.key) || item.key.empty() ||
        common::CountCodePoints(item.key) > domain::kMaxKvKeyLength ||
        !domain::IsKvKeyAlphabet(item.key)) {
      throw ImportRejected("item key " + Quoted(item.key) + " is not a valid key");
    }
    if (!keys.insert(item.key).second) {
      throw ImportRejected("item " + Quoted(item.key) + " appears twice");
    }
    if (!common::IsValidUtf8(item.value) ||
        common::CountCodePoints(item.value) > domain::kMaxKvValueLength) {
      throw ImportRejected("the value of item " + Quoted(item.key) +
                           " is not UTF-8 or longer than " +
                           std::to_string(domain::kMaxKvValueLength) + " characters");
    }
  }
}

// Seals the imported secrets inside the store's write (store::ImportSealer): pure, so a retried
// transaction may call it again.
class Sealer final : public store::ImportSealer {
 public:
  Sealer(const crypto::Keyring& keyring, int64_t account_id, const ApplicationExport& data)
      : keyring_(keyring), account_id_(account_id), data_(data) {}

  std::string WrapNewDataKey(int64_t application_id) override {
    return keyring_.WrapDataKey(fresh_key_, application_id);
  }
  void UseDataKey(int64_t application_id, const std::string& wrapped) override {
    application_id_ = application_id;
    data_key_ = keyring_.UnwrapDataKey(wrapped, application_id);
  }
  store::SealedSecretFields Seal(std::size_t index, int64_t secret_id) override {
    const ExportedSecret& secret = data_.secrets.at(index);
    store::SealedSecretFields sealed{
        crypto::Keyring::Seal(data_key_, secret.value.view(),
                              SecretBinding(account_id_, application_id_, secret_id, "value")),
        std::nullopt};
    if (secret.description && !secret.description->empty()) {
      sealed.description = crypto::Keyring::Seal(
          data_key_, *secret.description,
          SecretBinding(account_id_, application_id_, secret_id, "description"));
    }
    return sealed;
  }

 private:
  const crypto::Keyring& keyring_;
  const int64_t account_id_;
  const ApplicationExport& data_;
  const SecureString fresh_key_ = crypto::Keyring::NewDataKey();
  int64_t application_id_ = 0;
  SecureString data_key_;
};

}  // namespace

ApplicationTransfer::ApplicationTransfer(store::TransferStore& store,
                                         const crypto::Keyring& keyring, const common::Clock& clock)
    : store_(store), keyring_(keyring), clock_(clock) {}

std::optional<ApplicationTransfer::Exported> ApplicationTransfer::Export(
    int64_t account_id, const std::string& short_name) const {
  const int64_t now = clock_.NowSeconds();
  auto contents = store_.Read(account_id, short_name, now);
  if (!contents) return std::nullopt;
  const int64_t application_id = contents->application.id;
  Exported exported{application_id, {short_name, now, {}, std::move(contents->items)}};
  if (contents->secrets.empty()) return exported;
  if (!contents->wrapped_data_key) {
    throw crypto::KeyringError("application " + short_name + " has secrets but no data key");
  }
  const SecureString data_key = keyring_.UnwrapDataKey(*contents->wrapped_data_key, application_id);
  for (const store::SecretRecord& record : contents->secrets) {
    ExportedSecret secret{
        record.name,
        crypto::Keyring::Open(data_key, record.sealed_value,
                              SecretBinding(account_id, application_id, record.id, "value")),
        std::nullopt, record.created, record.modified};
    if (record.sealed_description) {
      secret.description = std::string(
          crypto::Keyring::Open(data_key, *record.sealed_description,
                                SecretBinding(account_id, application_id, record.id, "description"))
              .view());
    }
    exported.data.secrets.push_back(std::move(secret));
  }
  return exported;
}

store::ImportOutcome ApplicationTransfer::Import(int64_t account_id, const std::string& short_name,
                                                 const ApplicationExport& data, bool replace,
                                                 int64_t max_applications) {
  Check(data);
  const int64_t now = clock_.NowSeconds();
  store::ApplicationImport batch{.account_id = account_id,
                                 .short_name = short_name,
                                 .max_applications = max_applications,
                                 .replace = replace,
                                 .now = now,
                                 .secrets = {},
                                 .items = {}};
  for (const ExportedSecret& secret : data.secrets) {
    batch.secrets.push_back(store::ImportedSecret{secret.name, secret.created, secret.modified});
  }
  // Imported secrets keep their indexes in `data.secrets`, which the sealer reads.
  for (const store::KvItem& item : data.items) {
    if (item.expires_at <= now) continue;
    // Never longer-lived than a SetKeyValueItem here could make it.
    batch.items.push_back(store::KvItem{item.key, item.value,
                                        domain::KvExpiresAt(now, std::nullopt, item.expires_at)});
  }
  Sealer sealer(keyring_, account_id, data);
  return store_.Import(batch, sealer);
}

void ApplicationTransfer::Check(const ApplicationExport& data) { CheckEntries(data); }

}  // namespace coffer::service
