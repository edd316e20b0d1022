#include "crypto/keyring.hpp"

#include <cctype>

#include "crypto/aead.hpp"
#include "crypto/digest.hpp"
#include "crypto/random.hpp"

namespace coffer::crypto {

namespace {

constexpr char kFormatVersion = 1;
constexpr std::size_t kKeyIdBytes = 8;
constexpr std::string_view kCheckBinding = "coffer:master-key-check:v1";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string DataKeyBinding(int64_t application_id, std::string_view key_id) {
  return "coffer:data-key:v1:" + std::to_string(application_id) + ":" + std::string(key_id);
}

// version || key id bytes || AEAD(master, payload, binding)
std::string WrapUnder(const MasterKey& master, std::string_view payload, std::string_view binding) {
  std::string wrapped(1, kFormatVersion);
  for (std::size_t i = 0; i < kKeyIdBytes; ++i) {
    wrapped.push_back(
        static_cast<char>(HexValue(master.id()[2 * i]) * 16 + HexValue(master.id()[2 * i + 1])));
  }
  return wrapped + AeadSeal(master.bytes(), payload, binding);
}

}  // namespace

MasterKey::MasterKey(common::SecureString key)
    : key_(std::move(key)),
      id_(Sha256Hex("coffer:master-key-id:" + std::string(key_.view()))
              .substr(0, 2 * kKeyIdBytes)) {}

MasterKey MasterKey::Generate() {
  return MasterKey(common::SecureString::Adopt(RandomBytes(kAeadKeyBytes)));
}

MasterKey MasterKey::FromText(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  if (text.size() != 2 * kAeadKeyBytes) {
    throw KeyringError("a master key file holds 64 hex digits (256 bits)");
  }
  common::SecureString key(std::string(kAeadKeyBytes, '\0'));
  for (std::size_t i = 0; i < kAeadKeyBytes; ++i) {
    const int high = HexValue(text[2 * i]);
    const int low = HexValue(text[2 * i + 1]);
    if (high < 0 || low < 0) throw KeyringError("a master key file holds 64 hex digits (256 bits)");
    key.mutable_data()[i] = static_cast<char>(high * 16 + low);
  }
  return MasterKey(std::move(key));
}

std::string MasterKey::ToText() const { return ToHex(key_.view()) + "\n"; }

Keyring::Keyring(MasterKey master) : master_(std::move(master)) {}

common::SecureString Keyring::NewDataKey() {
  return common::SecureString::Adopt(RandomBytes(kAeadKeyBytes));
}

std::string Keyring::WrapDataKey(const common::SecureString& data_key,
                                 int64_t application_id) const {
  return WrapUnder(master_, data_key.view(), DataKeyBinding(application_id, master_.id()));
}

common::SecureString Keyring::UnwrapDataKey(std::string_view wrapped,
                                            int64_t application_id) const {
  const std::string key_id = WrappingKeyId(wrapped);
  if (key_id.empty()) throw KeyringError("malformed wrapped data key");
  if (key_id != master_.id()) {
    throw KeyringError("data key is wrapped by master key " + key_id + ", not " + master_.id());
  }
  auto opened = AeadOpen(master_.bytes(), wrapped.substr(1 + kKeyIdBytes),
                         DataKeyBinding(application_id, key_id));
  if (!opened || opened->size() != kAeadKeyBytes) throw KeyringError("data key does not open");
  return std::move(*opened);
}

std::string Keyring::Seal(const common::SecureString& data_key, std::string_view plaintext,
                          std::string_view binding) {
  return std::string(1, kFormatVersion) + AeadSeal(data_key.view(), plaintext, binding);
}

common::SecureString Keyring::Open(const common::SecureString& data_key, std::string_view sealed,
                                   std::string_view binding) {
  if (sealed.empty() || sealed.front() != kFormatVersion)
    throw KeyringError("unknown sealed format");
  auto opened = AeadOpen(data_key.view(), sealed.substr(1), binding);
  if (!opened) throw KeyringError("sealed value does not open");
  return std::move(*opened);
}

std::string Keyring::MakeCheck() const { return WrapUnder(master_, kCheckBinding, kCheckBinding); }

bool Keyring::VerifyCheck(std::string_view check) const {
  if (WrappingKeyId(check) != master_.id()) return false;
  const auto opened = AeadOpen(master_.bytes(), check.substr(1 + kKeyIdBytes), kCheckBinding);
  return opened && opened->view() == kCheckBinding;
}

std::string Keyring::WrappingKeyId(std::string_view wrapped) {
  if (wrapped.size() < 1 + kKeyIdBytes || wrapped.front() != kFormatVersion) return {};
  return ToHex(wrapped.substr(1, kKeyIdBytes));
}

}  // namespace coffer::crypto
