#include "cli/tls_files.hpp"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "cli/data_dir.hpp"
#include "crypto/self_signed.hpp"

namespace coffer::cli {

namespace {

// The certificate kept from an earlier start, or nothing when it or its key is missing.
std::optional<std::string> ExistingCertificate(const TlsFiles& files) {
  std::error_code ec;
  if (!std::filesystem::exists(files.private_key, ec)) return std::nullopt;
  std::ifstream file(files.certificate, std::ios::binary);
  if (!file) return std::nullopt;
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TlsFiles EnsureSelfSignedCertificate(const std::string& data_dir) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(data_dir) / "tls";
  TlsFiles files{(dir / "cert.pem").string(), (dir / "key.pem").string()};
  if (const auto existing = ExistingCertificate(files)) {
    if (!crypto::SelfSignedCertificateNeedsRenewal(*existing)) return files;
    spdlog::warn(
        "TLS certificate {} is expiring, unreadable or a CA certificate: replacing it "
        "(clients that trust it must load the new file)",
        files.certificate);
  }
  std::error_code ec;
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
