#include "api/json_params.hpp"

#include <boost/json.hpp>
#include <charconv>

#include "api/errors.hpp"
#include "api/wiping_json.hpp"
#include "common/secure_string.hpp"

namespace coffer::api {

namespace json = boost::json;

namespace {

[[noreturn]] void Malformed(const std::string& why) { throw BadRequest(400, "JSON body: " + why); }

std::string NumberText(double value) {
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) Malformed("unrepresentable number");
  return std::string(buf, end);
}

// The text of a scalar member; nullopt for null.
std::optional<std::string> ScalarText(const json::value& value) {
  switch (value.kind()) {
    case json::kind::string:
      return std::string(value.get_string());
    case json::kind::int64:
      return std::to_string(value.get_int64());
    case json::kind::uint64:
      return std::to_string(value.get_uint64());
    case json::kind::double_:
      return NumberText(value.get_double());
    case json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    case json::kind::null:
      return std::nullopt;
    default:
      Malformed("nested objects and arrays are not parameters");
  }
}

}  // namespace

void DecodeJsonBody(std::string_view body, Params& params) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return;
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 4;
  // The body may carry a secret value: the tree, and the parser's scratch space (where short
  // strings live while it builds), are wiped when freed.
  constexpr std::size_t kScratch = 2048;
  unsigned char scratch[kScratch];
  struct WipeScratch {
    unsigned char* bytes;
    ~WipeScratch() { common::WipeBytes(bytes, kScratch); }
  } wipe_scratch{scratch};
  json::parser parser(WipingJsonStorage(), options, scratch, kScratch);
  parser.reset(WipingJsonStorage());
  parser.write(body.data(), body.size(), ec);
  const json::value document = ec ? json::value() : parser.release();
  if (ec) Malformed("not JSON");
  if (!document.is_object()) Malformed("not an object");
  for (const auto& [name, value] : document.get_object()) {
    if (!value.is_array()) {
      if (auto text = ScalarText(value)) params.Add(ParamSource::kBody, name, std::move(*text));
      continue;
    }
    std::string joined;
    bool first = true;
    for (const auto& element : value.get_array()) {
      auto text = ScalarText(element);
      if (!text) Malformed("null inside an array");
      joined.append(first ? "" : ";").append(*text);
      first = false;
    }
    params.Add(ParamSource::kBody, name, std::move(joined));
  }
}

}  // namespace coffer::api
