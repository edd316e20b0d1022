#pragma once

#include <string>

namespace coffer::cli {

struct TlsFiles {
  std::string certificate;
  std::string private_key;
};

// The self-signed certificate kept in DATA/tls/ (cert.pem 0644, key.pem 0600), generated on
// first use and reused afterwards until it nears expiry; one that is a CA certificate (as
// earlier versions made) or does not parse is replaced. Throws std::runtime_error.
TlsFiles EnsureSelfSignedCertificate(const std::string& data_dir);

}  // namespace coffer::cli
