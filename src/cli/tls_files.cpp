#include "cli/tls_files.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <stdexcept>

#include "cli/data_dir.hpp"
#include "crypto/self_signed.hpp"

namespace coffer::cli {

TlsFiles EnsureSelfSignedCertificate(const std::string& data_dir) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(data_dir) / "tls";
  TlsFiles files{(dir / "cert.pem").string(), (dir / "key.pem").string()};
  std::error_code ec;
  if (fs::exists(files.certificate, ec) && fs::exists(files.private_key, ec)) return files;
  fs::create_directories(dir, ec);
  if (ec) throw std::runtime_error("cannot create " + dir.string() + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  const auto generated = crypto::GenerateSelfSignedCertificate();
  // The key first: a certificate without its key would be reused and fail to load.
  WriteFileReplacing(files.private_key, generated.private_key_pem, 0600);
  WriteFileReplacing(files.certificate, generated.certificate_pem, 0644);
  return files;
}

}  // namespace coffer::cli
