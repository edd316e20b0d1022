#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/http_message.hpp"

namespace coffer::http {

// A file of web/, compiled into the binary: its path below the mount point and its bytes.
struct EmbeddedAsset {
  std::string_view path;  // e.g. "/index.html"
  std::string_view bytes;
};

// Every embedded panel file (generated at build time from web/).
const std::vector<EmbeddedAsset>& EmbeddedAssets();

// Serves the embedded control panel under `mount` (e.g. "/panel"): `mount` redirects to
// `mount/`, `mount/` is index.html, other paths map to files. Every answer carries a strict
// Content-Security-Policy, nosniff, no-referrer and frame denial. Thread-safe.
class StaticAssets {
 public:
  StaticAssets(std::string mount, const std::vector<EmbeddedAsset>& assets);

  // True when `path` (without query) is at or below the mount point.
  bool Owns(std::string_view path) const;

  // Answers GET and HEAD; other methods get 405.
  common::HttpResponse Serve(const common::HttpRequest& request) const;

  // The security headers of every panel response.
  static std::vector<std::pair<std::string, std::string>> SecurityHeaders();

 private:
  std::string mount_;
  const std::vector<EmbeddedAsset>& assets_;
};

// Content type by file extension (UTF-8 for text types).
std::string_view ContentTypeFor(std::string_view path);

}  // namespace coffer::http
