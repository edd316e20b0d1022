#include "common/secure_string.hpp"

#include <string.h>

namespace coffer::common {

void WipeBytes(void* bytes, std::size_t size) {
  if (size > 0) explicit_bzero(bytes, size);
}

SecureString::SecureString(std::string_view bytes) : data_(bytes) {}

SecureString SecureString::Adopt(std::string&& bytes) {
  SecureString secure;
  secure.data_.swap(bytes);
  return secure;
}

SecureString::~SecureString() { Wipe(); }

SecureString::SecureString(SecureString&& other) noexcept { data_.swap(other.data_); }

SecureString& SecureString::operator=(SecureString&& other) noexcept {
  if (this != &other) {
    Wipe();
    data_.clear();
    data_.swap(other.data_);
  }
  return *this;
}

void SecureString::resize(std::size_t size) {
  if (size < data_.size()) WipeBytes(data_.data() + size, data_.size() - size);
  data_.resize(size);
}

void SecureString::Wipe() {
  // The whole capacity: bytes past size() may hold an earlier, longer content.
  WipeBytes(data_.data(), data_.capacity());
}

}  // namespace coffer::common
