#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace coffer::auth {

// What a verified token proved: signed by `key_id`, of `account_id`, valid until `expires_at`.
struct VerifiedToken {
  std::string key_id;
  int64_t account_id = 0;
  int64_t expires_at = 0;
};

// A bounded map from whole token text to what verifying it proved, so a token replayed within
// its lifetime skips parsing and the RSA verification. Entries are dropped at `expires_at`.
// The cache never decides whether the key still exists: callers re-check that. Thread-safe.
class TokenCache {
 public:
  explicit TokenCache(std::size_t capacity);

  // The entry for `token`, unless absent or expired at `now` (an expired entry is removed).
  std::optional<VerifiedToken> Find(std::string_view token, int64_t now);

  // Remembers a verified token. When full, expired entries are dropped first, then arbitrary
  // ones, so memory stays bounded by `capacity` entries.
  void Insert(std::string_view token, VerifiedToken verified, int64_t now);

  std::size_t size() const;

 private:
  void MakeRoom(int64_t now);

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, VerifiedToken> entries_;
};

}  // namespace coffer::auth
