#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/secure_string.hpp"

namespace coffer::crypto {

// A key could not be used: malformed key text, a wrapped key or sealed value that does not
// open (wrong master key, tampering, moved between rows). Never carries key or plaintext bytes.
class KeyringError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The 256-bit key-encryption key. Its text form (the master key file) is 64 hex digits and a
// newline; its id (16 hex digits) is derived from the key and names it in stored data.
class MasterKey {
 public:
  static MasterKey Generate();
  // Parses the file text; surrounding whitespace is ignored. Throws KeyringError.
  static MasterKey FromText(std::string_view text);

  std::string ToText() const;
  const std::string& id() const { return id_; }
  std::string_view bytes() const { return key_.view(); }

 private:
  explicit MasterKey(common::SecureString key);
  common::SecureString key_;
  std::string id_;
};

// Envelope encryption (docs/formats.md): the master key wraps one random data key per
// application; each secret field is sealed under its application's data key with associated
// data binding it to its row. Immutable and thread-safe.
class Keyring {
 public:
  explicit Keyring(MasterKey master);

  const std::string& master_key_id() const { return master_.id(); }

  // A fresh random 256-bit data key.
  static common::SecureString NewDataKey();
  // Wraps `data_key` for `application_id` under the master key (format version 1).
  std::string WrapDataKey(const common::SecureString& data_key, int64_t application_id) const;
  // Throws KeyringError when `wrapped` was made under another master key, for another
  // application, or was altered.
  common::SecureString UnwrapDataKey(std::string_view wrapped, int64_t application_id) const;

  // Seals `plaintext` under `data_key`, bound to `binding` (format version 1).
  static std::string Seal(const common::SecureString& data_key, std::string_view plaintext,
                          std::string_view binding);
  // Throws KeyringError when `sealed` does not open with this key and binding.
  static common::SecureString Open(const common::SecureString& data_key, std::string_view sealed,
                                   std::string_view binding);

  // A token that only this master key opens, stored once so a wrong key is detected at start.
  std::string MakeCheck() const;
  bool VerifyCheck(std::string_view check) const;

  // The master key id a wrapped data key or check names (empty if it is malformed).
  static std::string WrappingKeyId(std::string_view wrapped);

 private:
  MasterKey master_;
};

}  // namespace coffer::crypto
