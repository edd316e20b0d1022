// Bytes a backend hands back for sealing (a sealed secret field, a wrapped data key, the
// master-key check): each either opens or is refused with KeyringError; nothing else.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/secure_string.hpp"
#include "crypto/keyring.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const coffer::crypto::Keyring keyring(
      coffer::crypto::MasterKey::FromText(std::string(64, '1')));
  static const coffer::common::SecureString data_key(std::string(32, '\x22'));
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)coffer::crypto::Keyring::WrappingKeyId(input);
  (void)keyring.VerifyCheck(input);
  try {
    (void)keyring.UnwrapDataKey(input, 7);
  } catch (const coffer::crypto::KeyringError&) {
  }
  try {
    (void)coffer::crypto::Keyring::Open(data_key, input, "account 1 application 7 secret 9");
  } catch (const coffer::crypto::KeyringError&) {
  }
  return 0;
}
