#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crypto/digest.hpp"

namespace coffer::auth {

// What a verified token proved: signed by `key_id`, of `account_id`, valid until `expires_at`.
struct VerifiedToken {
  std::string key_id;
  int64_t account_id = 0;
  int64_t expires_at = 0;
};

// A bounded map from a token's SHA-256 digest to what verifying it proved, so a token replayed
// within its lifetime skips parsing and the RSA verification. Keyed by digest, an entry costs
// the same whatever the token's size. Entries are dropped at `expires_at`. The cache never
// decides whether the key still exists: callers re-check that. Thread-safe.
class TokenCache {
 public:
  // Holds at most `capacity` entries taking at most `max_bytes` (as EntryBytes counts them).
  TokenCache(std::size_t capacity, std::size_t max_bytes);

  // The entry for `token`, unless absent or expired at `now` (an expired entry is removed).
  std::optional<VerifiedToken> Find(std::string_view token, int64_t now);

  // Remembers a verified token. When a bound would be passed, expired entries are dropped
  // first, then arbitrary ones. An entry larger than `max_bytes` alone is not kept.
  void Insert(std::string_view token, VerifiedToken verified, int64_t now);

  std::size_t size() const;
  // The bytes the entries take, as EntryBytes counts them.
  std::size_t bytes() const;

  // What one entry costs: its digest, its key id, the record and the map node around them.
  static std::size_t EntryBytes(const VerifiedToken& verified);

 private:
  bool Fits(std::size_t extra_bytes) const;
  void MakeRoom(std::size_t extra_bytes, int64_t now);
  // A digest's first bytes are as good a hash as any: only verified tokens are entered.
  struct DigestHash {
    std::size_t operator()(const crypto::Sha256Digest& digest) const {
      std::size_t hash;
      std::memcpy(&hash, digest.data(), sizeof hash);
      return hash;
    }
  };
  using Entries = std::unordered_map<crypto::Sha256Digest, VerifiedToken, DigestHash>;
  void Erase(Entries::iterator it);

  const std::size_t capacity_;
  const std::size_t max_bytes_;
  mutable std::mutex mutex_;
  Entries entries_;  // by SHA-256 digest
  std::size_t bytes_ = 0;
};

}  // namespace coffer::auth
