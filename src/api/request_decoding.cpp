#include "api/request_decoding.hpp"

#include "api/errors.hpp"
#include "api/json_params.hpp"
#include "api/media_type.hpp"
#include "api/multipart.hpp"
#include "api/urlencoded.hpp"

namespace coffer::api {

namespace {

void DecodeBody(const common::HttpRequest& request, Params& params) {
  if (request.content_type.empty()) return;
  const auto content_type = ParseHeaderValue(request.content_type);
  if (!content_type) throw BadRequest(400, "malformed Content-Type");
  if (content_type->value == "application/x-www-form-urlencoded") {
    DecodeUrlEncoded(request.body, ParamSource::kBody, params);
  } else if (content_type->value == "multipart/form-data") {
    const auto boundary = content_type->Parameter("boundary");
    if (!boundary) throw BadRequest(400, "multipart body without a boundary");
    DecodeMultipart(request.body, *boundary, params);
  } else if (content_type->value == "application/json") {
    DecodeJsonBody(request.body, params);
  }
}

}  // namespace

DecodedRequest DecodeRequest(const common::HttpRequest& request, std::size_t max_params) {
  DecodedRequest decoded{std::string(), Params(max_params)};
  const std::string_view target = request.target;
  const auto question = target.find('?');
  decoded.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    DecodeUrlEncoded(target.substr(question + 1), ParamSource::kQuery, decoded.params);
  }
  DecodeBody(request, decoded.params);
  return decoded;
}

}  // namespace coffer::api
