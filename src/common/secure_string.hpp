#pragma once

#include <string>
#include <string_view>

namespace coffer::common {

// Bytes that must not outlive their use (secret values, keys): the buffer is wiped when the
// object is destroyed or reassigned. Move-only, so no stray copies are made by accident.
class SecureString {
 public:
  SecureString() = default;
  explicit SecureString(std::string_view bytes);
  // Takes over `bytes`; the caller's string is left empty.
  static SecureString Adopt(std::string&& bytes);
  ~SecureString();
  SecureString(SecureString&& other) noexcept;
  SecureString& operator=(SecureString&& other) noexcept;
  SecureString(const SecureString&) = delete;
  SecureString& operator=(const SecureString&) = delete;

  std::string_view view() const { return data_; }
  const char* data() const { return data_.data(); }
  char* mutable_data() { return data_.data(); }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  // Resizes without reallocating when within capacity; wipes the bytes it drops.
  void resize(std::size_t size);

 private:
  void Wipe();
  std::string data_;
};

// Overwrites `bytes` with zeros in a way the compiler may not elide.
void WipeBytes(void* bytes, std::size_t size);

}  // namespace coffer::common
