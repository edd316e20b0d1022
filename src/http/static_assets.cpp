#include "http/static_assets.hpp"

namespace coffer::http {

namespace {

constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

common::HttpResponse PlainResponse(int status, std::string body) {
  common::HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.headers = StaticAssets::SecurityHeaders();
  response.headers.emplace_back("Cache-Control", "no-store");
  response.body = std::move(body);
  return response;
}

}  // namespace

std::string_view ContentTypeFor(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "json") return "application/json; charset=utf-8";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

StaticAssets::StaticAssets(std::string mount, const std::vector<EmbeddedAsset>& assets)
    : mount_(std::move(mount)), assets_(assets) {}

std::vector<std::pair<std::string, std::string>> StaticAssets::SecurityHeaders() {
  return {{"Content-Security-Policy", std::string(kContentSecurityPolicy)},
          {"X-Content-Type-Options", "nosniff"},
          {"Referrer-Policy", "no-referrer"},
          {"X-Frame-Options", "DENY"},
          {"Cross-Origin-Opener-Policy", "same-origin"}};
}

bool StaticAssets::Owns(std::string_view path) const {
  return path == mount_ ||
         (path.size() > mount_.size() && path.starts_with(mount_) && path[mount_.size()] == '/');
}

common::HttpResponse StaticAssets::Serve(const common::HttpRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    common::HttpResponse response = PlainResponse(405, "method not allowed\n");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  std::string_view path = std::string_view(request.target).substr(0, request.target.find('?'));
  if (path == mount_) {
    common::HttpResponse response = PlainResponse(301, "");
    response.headers.emplace_back("Location", mount_ + "/");
    return response;
  }
  path.remove_prefix(mount_.size());
  if (path == "/") path = "/index.html";
  for (const auto& asset : assets_) {
    if (asset.path != path) continue;
    common::HttpResponse response;
    response.content_type = ContentTypeFor(path);
    response.headers = SecurityHeaders();
    // Assets change with the binary; revalidation is cheap on loopback and never stale.
    response.headers.emplace_back("Cache-Control", "no-cache");
    if (request.method == "GET") response.body = std::string(asset.bytes);
    return response;
  }
  return PlainResponse(404, "not found\n");
}

}  // namespace coffer::http
