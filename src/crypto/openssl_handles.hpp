#pragma once

// RAII owners for OpenSSL handles; private to the crypto library.

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

namespace coffer::crypto::detail {

struct BioFree {
  void operator()(BIO* p) const { BIO_free_all(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};

using BioPtr = std::unique_ptr<BIO, BioFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;

// Everything written to a memory BIO, as a string.
std::string BioToString(BIO* bio);

// A read-only memory BIO over `text` (which must outlive it).
BioPtr ReadBio(std::string_view text);

// Throws std::runtime_error with `what` and OpenSSL's last error.
[[noreturn]] void ThrowOpenSslError(const std::string& what);

}  // namespace coffer::crypto::detail
