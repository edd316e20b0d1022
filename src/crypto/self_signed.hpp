#pragma once

#include <string>

namespace coffer::crypto {

// A certificate and its private key, both PEM.
struct CertificateAndKey {
  std::string certificate_pem;
  std::string private_key_pem;
};

// A self-signed ECDSA P-256 certificate for `localhost` and 127.0.0.1 (subject alternative
// names), valid for `valid_days` from now. Throws std::runtime_error on failure.
CertificateAndKey GenerateSelfSignedCertificate(int valid_days = 3650);

}  // namespace coffer::crypto
