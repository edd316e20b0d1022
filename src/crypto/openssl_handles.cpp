#include "crypto/openssl_handles.hpp"

#include <openssl/err.h>

#include <stdexcept>

namespace coffer::crypto::detail {

std::string BioToString(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

BioPtr ReadBio(std::string_view text) {
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
  if (!bio) ThrowOpenSslError("BIO_new_mem_buf");
  return bio;
}

void ThrowOpenSslError(const std::string& what) {
  char buf[256] = "unknown error";
  if (const unsigned long code = ERR_get_error(); code != 0)
    ERR_error_string_n(code, buf, sizeof buf);
  ERR_clear_error();
  throw std::runtime_error(what + ": " + buf);
}

}  // namespace coffer::crypto::detail
