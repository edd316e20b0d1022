#include "api/urlencoded.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/pct_string_view.hpp>

#include "api/errors.hpp"
#include "common/strings.hpp"

namespace coffer::api {

namespace {

std::string Decode(std::string_view encoded) {
  const auto validated = boost::urls::make_pct_string_view(encoded);
  if (!validated) throw BadRequest(400, "malformed percent-encoding");
  boost::urls::encoding_opts options;
  options.space_as_plus = true;
  return validated->decode(options);
}

}  // namespace

void DecodeUrlEncoded(std::string_view text, ParamSource source, Params& params) {
  for (const auto pair : common::Split(text, '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    if (equals == std::string_view::npos) {
      params.Add(source, Decode(pair), std::string());
    } else {
      params.Add(source, Decode(pair.substr(0, equals)), Decode(pair.substr(equals + 1)));
    }
  }
}

}  // namespace coffer::api
