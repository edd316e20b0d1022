#include "domain/key_value_rules.hpp"

#include <algorithm>

namespace coffer::domain {

namespace {

bool IsAsciiKeyChar(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == ':' || c == ';' || c == '.' || c == '#' || c == '+';
}

// Cyrillic А-Я (U+0410-U+042F), а-я (U+0430-U+044F), Ё (U+0401), ё (U+0451): all two-byte
// sequences D0 xx or D1 xx.
bool IsCyrillicKeyChar(unsigned char lead, unsigned char next) {
  if (lead == 0xD0) return next == 0x81 || (next >= 0x90 && next <= 0xBF);
  if (lead == 0xD1) return next == 0x91 || (next >= 0x80 && next <= 0x8F);
  return false;
}

}  // namespace

bool IsKvKeyAlphabet(std::string_view key) {
  for (std::size_t i = 0; i < key.size(); ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    if (IsAsciiKeyChar(c)) continue;
    if (i + 1 < key.size() && IsCyrillicKeyChar(c, static_cast<unsigned char>(key[i + 1]))) {
      ++i;
      continue;
    }
    return false;
  }
  return true;
}

int64_t KvExpiresAt(int64_t now, std::optional<int64_t> ttl, std::optional<int64_t> expires_at) {
  const int64_t latest = now + kMaxKvTtl;
  if (expires_at) return std::min(*expires_at, latest);
  return now + std::min(ttl.value_or(kDefaultKvTtl), kMaxKvTtl);
}

}  // namespace coffer::domain
