#pragma once

#include <string>

namespace coffer::crypto {

// A certificate and its private key, both PEM.
struct CertificateAndKey {
  std::string certificate_pem;
  std::string private_key_pem;
};

// A self-signed ECDSA P-256 leaf certificate for `localhost`, 127.0.0.1 and ::1 (subject
// alternative names), valid for `valid_days` from now. It is not a CA (basic constraints
// CA:FALSE, key usage digitalSignature, extended key usage serverAuth), so a client told to
// trust it cannot be made to trust anything signed with its key. Throws std::runtime_error on
// failure.
CertificateAndKey GenerateSelfSignedCertificate(int valid_days = 825);

// True when a certificate made by GenerateSelfSignedCertificate should be made again: it does
// not parse, it expires within `margin_days`, or it is a CA (what earlier versions generated).
bool SelfSignedCertificateNeedsRenewal(const std::string& certificate_pem, int margin_days = 30);

}  // namespace coffer::crypto
