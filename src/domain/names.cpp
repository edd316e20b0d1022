#include "domain/names.hpp"

#include "common/strings.hpp"

namespace coffer::domain {

namespace {

bool IsLowerAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// ^[a-z][a-z0-9-]{min_rest,max_rest}$
bool MatchesNamePattern(std::string_view name, std::size_t min_rest, std::size_t max_rest) {
  if (name.empty() || !IsLowerAlpha(name.front())) return false;
  const std::size_t rest = name.size() - 1;
  if (rest < min_rest || rest > max_rest) return false;
  for (char c : name.substr(1)) {
    if (!IsLowerAlpha(c) && !IsDigit(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

bool IsValidShortAppName(std::string_view name) { return MatchesNamePattern(name, 1, 64); }

bool IsValidAccountName(std::string_view name) { return MatchesNamePattern(name, 0, 39); }

std::string FullAppName(std::string_view short_name, std::string_view account_name,
                        std::string_view domain) {
  std::string full;
  full.reserve(short_name.size() + account_name.size() + domain.size() + 2);
  full.append(short_name).append(".").append(account_name).append(".").append(domain);
  return full;
}

std::optional<std::string> ParseNewAppName(std::string_view input, std::string_view account_name,
                                           std::string_view domain) {
  const std::string suffix = FullAppName("", account_name, domain);
  std::string_view candidate = input;
  if (candidate.size() > suffix.size() &&
      common::AsciiIEquals(candidate.substr(candidate.size() - suffix.size()), suffix)) {
    candidate.remove_suffix(suffix.size());
  }
  if (!IsValidShortAppName(candidate)) return std::nullopt;
  return std::string(candidate);
}

}  // namespace coffer::domain
