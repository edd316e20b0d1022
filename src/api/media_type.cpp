#include "api/media_type.hpp"

#include "common/strings.hpp"

namespace coffer::api {

namespace {

// Reads a quoted string starting after its opening quote; advances `pos` past the closing one.
std::optional<std::string> ReadQuoted(std::string_view text, std::size_t& pos) {
  std::string out;
  while (pos < text.size()) {
    const char c = text[pos++];
    if (c == '"') return out;
    if (c == '\\' && pos < text.size()) {
      out.push_back(text[pos++]);
    } else {
      out.push_back(c);
    }
  }
  return std::nullopt;
}

void SkipSpaces(std::string_view text, std::size_t& pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
}

}  // namespace

std::optional<std::string> HeaderValue::Parameter(std::string_view name) const {
  for (const auto& [key, val] : parameters) {
    if (key == name) return val;
  }
  return std::nullopt;
}

std::optional<HeaderValue> ParseHeaderValue(std::string_view text) {
  HeaderValue parsed;
  std::size_t pos = text.find(';');
  parsed.value = common::AsciiLower(common::TrimSpaces(text.substr(0, pos)));
  while (pos != std::string_view::npos && pos < text.size()) {
    ++pos;  // past ';'
    SkipSpaces(text, pos);
    const std::size_t name_end = text.find_first_of("=;", pos);
    if (name_end == std::string_view::npos || text[name_end] == ';') {
      pos = name_end;
      continue;
    }
    std::string name = common::AsciiLower(common::TrimSpaces(text.substr(pos, name_end - pos)));
    pos = name_end + 1;
    SkipSpaces(text, pos);
    std::string value;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      auto quoted = ReadQuoted(text, pos);
      if (!quoted) return std::nullopt;
      value = std::move(*quoted);
      pos = text.find(';', pos);
    } else {
      const std::size_t end = text.find(';', pos);
      value = std::string(
          common::TrimSpaces(text.substr(pos, end == std::string_view::npos ? end : end - pos)));
      pos = end;
    }
    parsed.parameters.emplace_back(std::move(name), std::move(value));
  }
  return parsed;
}

}  // namespace coffer::api
