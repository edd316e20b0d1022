#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <stdexcept>

#include "crypto/digest.hpp"

namespace coffer::crypto {

std::string RandomBytes(std::size_t count) {
  std::string bytes(count, '\0');
  if (count > 0 &&
      RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
    throw std::runtime_error("the random number generator failed");
  }
  return bytes;
}

std::string RandomHex(std::size_t count) { return ToHex(RandomBytes(count)); }

}  // namespace coffer::crypto
