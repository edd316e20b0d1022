#include "domain/secret_rules.hpp"

namespace coffer::domain {

namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

bool IsValidSecretName(std::string_view name) {
  if (name.empty() || name.size() > 64 || !IsAsciiLetter(name.front())) return false;
  for (char c : name) {
    if (!IsAsciiLetter(c) && !(c >= '0' && c <= '9') && c != '_') return false;
  }
  return true;
}

}  // namespace coffer::domain
