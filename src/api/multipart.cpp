#include "api/multipart.hpp"

#include <string>

#include "api/errors.hpp"
#include "api/media_type.hpp"
#include "common/strings.hpp"
#include "common/utf8.hpp"

namespace coffer::api {

namespace {

[[noreturn]] void Malformed(const std::string& why) { throw BadRequest(400, "multipart: " + why); }

struct PartHeaders {
  std::optional<std::string> name;
  bool latin1 = false;
};

bool IsLatin1(std::string_view charset) {
  const std::string lower = common::AsciiLower(charset);
  return lower == "iso-8859-1" || lower == "latin1" || lower == "iso8859-1" || lower == "latin-1";
}

PartHeaders ParsePartHeaders(std::string_view block) {
  PartHeaders headers;
  for (const auto line : common::Split(block, '\n')) {
    std::string_view header = line;
    if (header.ends_with('\r')) header.remove_suffix(1);
    const auto colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string field = common::AsciiLower(common::TrimSpaces(header.substr(0, colon)));
    const auto value = ParseHeaderValue(header.substr(colon + 1));
    if (!value) Malformed("unterminated quoted string in a part header");
    if (field == "content-disposition" && value->value == "form-data") {
      headers.name = value->Parameter("name");
    } else if (field == "content-type") {
      const auto charset = value->Parameter("charset");
      headers.latin1 = charset && IsLatin1(*charset);
    }
  }
  return headers;
}

}  // namespace

void DecodeMultipart(std::string_view body, std::string_view boundary, Params& params) {
  if (boundary.empty() || boundary.size() > 200) Malformed("bad boundary");
  const std::string opening = "--" + std::string(boundary);
  const std::string delimiter = "\r\n" + opening;

  // The first boundary may be preceded by a preamble that ends with CRLF.
  std::size_t pos = body.starts_with(opening) ? 0 : body.find(delimiter);
  if (pos == std::string_view::npos) Malformed("no opening boundary");
  pos += body.starts_with(opening) && pos == 0 ? opening.size() : delimiter.size();

  for (;;) {
    if (body.substr(pos, 2) == "--") return;  // closing boundary
    // Transport padding, then CRLF, ends the boundary line.
    while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
    if (body.substr(pos, 2) != "\r\n") Malformed("bad boundary line");
    pos += 2;

    const std::size_t headers_end = body.find("\r\n\r\n", pos);
    const bool no_headers = body.substr(pos, 2) == "\r\n";
    if (!no_headers && headers_end == std::string_view::npos)
      Malformed("unterminated part headers");
    const PartHeaders headers =
        no_headers ? PartHeaders{} : ParsePartHeaders(body.substr(pos, headers_end - pos));
    const std::size_t content_start = no_headers ? pos + 2 : headers_end + 4;

    const std::size_t content_end = body.find(delimiter, content_start);
    if (content_end == std::string_view::npos) Malformed("missing closing boundary");
    if (headers.name) {
      const std::string_view content = body.substr(content_start, content_end - content_start);
      params.Add(ParamSource::kBody, *headers.name,
                 headers.latin1 ? common::Latin1ToUtf8(content) : std::string(content));
    }
    pos = content_end + delimiter.size();
  }
}

}  // namespace coffer::api
