#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace coffer::domain {

// SPEC 6.1 limits, in characters and seconds.
constexpr std::size_t kMaxKvKeyLength = 200;
constexpr std::size_t kMaxKvValueLength = 2000;
constexpr int64_t kDefaultKvTtl = 2'592'000;  // 30 days
constexpr int64_t kMaxKvTtl = 7'776'000;      // 90 days
constexpr int64_t kDefaultKvPageSize = 10;
constexpr int64_t kMaxKvPageSize = 50;

// True when every character of valid UTF-8 `key` is in the key alphabet: a-z A-Z 0-9 _ - : ;
// . # + and the Cyrillic а-я А-Я ё Ё. Emptiness is checked separately.
bool IsKvKeyAlphabet(std::string_view key);

// The stored `expires_at` for a write at `now` given at most one of `ttl` (>= 0) and
// `expires_at` (>= now): the default lifetime when neither is given, and never more than
// the maximum lifetime from now.
int64_t KvExpiresAt(int64_t now, std::optional<int64_t> ttl, std::optional<int64_t> expires_at);

}  // namespace coffer::domain
