#include "api/param_reader.hpp"

#include "common/api_error.hpp"
#include "common/strings.hpp"
#include "common/utf8.hpp"

namespace coffer::api {

using common::ApiError;
using common::ErrorCode;

namespace {

std::optional<std::string> CheckedUtf8(std::string_view name, const std::string* value) {
  if (value == nullptr) return std::nullopt;
  if (!common::IsValidUtf8(*value)) throw ApiError(ErrorCode::kInvalidParameter, std::string(name));
  return *value;
}

}  // namespace

std::optional<std::string> ParamReader::OptionalAllowEmpty(std::string_view name) const {
  return CheckedUtf8(name, params_.Find(name));
}

std::optional<std::string> ParamReader::Optional(std::string_view name) const {
  auto value = OptionalAllowEmpty(name);
  if (value && value->empty()) return std::nullopt;
  return value;
}

std::string ParamReader::Required(std::string_view name) const {
  auto value = Optional(name);
  if (!value) throw ApiError(ErrorCode::kMissingParameter, std::string(name));
  return std::move(*value);
}

std::optional<std::string> ParamReader::OptionalList(std::string_view name) const {
  const auto joined = params_.FindJoined(name);
  return joined ? CheckedUtf8(name, &*joined) : std::nullopt;
}

std::optional<int64_t> ParamReader::OptionalInt(std::string_view name) const {
  const auto text = Optional(name);
  if (!text) return std::nullopt;
  const auto value = common::ParseStrictInt64(*text);
  if (!value) throw ApiError(ErrorCode::kInvalidParameter, std::string(name));
  return value;
}

int64_t ParamReader::IntInRange(std::string_view name, int64_t fallback, int64_t min,
                                int64_t max) const {
  const int64_t value = OptionalInt(name).value_or(fallback);
  if (value < min || value > max) {
    throw ApiError(ErrorCode::kOutOfRange, std::string(name), min, max);
  }
  return value;
}

std::optional<bool> ParamReader::OptionalBool(std::string_view name) const {
  const auto text = Optional(name);
  if (!text) return std::nullopt;
  const std::string lower = common::AsciiLower(*text);
  if (lower == "true" || lower == "1") return true;
  if (lower == "false" || lower == "0") return false;
  throw ApiError(ErrorCode::kInvalidParameter, std::string(name));
}

void ParamReader::CheckLength(std::string_view name, std::string_view value, std::size_t max) {
  if (common::CountCodePoints(value) > max) {
    throw ApiError(ErrorCode::kTooLong, std::string(name), 0, static_cast<int64_t>(max));
  }
}

}  // namespace coffer::api
