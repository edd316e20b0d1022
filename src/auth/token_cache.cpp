#include "auth/token_cache.hpp"

namespace coffer::auth {

namespace {

// Hash-map node, bucket slot and string headers: an estimate, but one that does not depend on
// anything a client controls.
constexpr std::size_t kNodeOverhead = 96;
constexpr std::size_t kDigestBytes = std::tuple_size_v<crypto::Sha256Digest>;

}  // namespace

TokenCache::TokenCache(std::size_t capacity, std::size_t max_bytes)
    : capacity_(capacity), max_bytes_(max_bytes) {}

std::size_t TokenCache::EntryBytes(const VerifiedToken& verified) {
  return kNodeOverhead + kDigestBytes + sizeof(VerifiedToken) + verified.key_id.size();
}

std::optional<VerifiedToken> TokenCache::Find(std::string_view token, int64_t now) {
  const crypto::Sha256Digest digest = crypto::Sha256(token);
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(digest);
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires_at <= now) {
    Erase(it);
    return std::nullopt;
  }
  return it->second;
}

void TokenCache::Insert(std::string_view token, VerifiedToken verified, int64_t now) {
  const std::size_t entry_bytes = EntryBytes(verified);
  if (capacity_ == 0 || entry_bytes > max_bytes_) return;
  const crypto::Sha256Digest digest = crypto::Sha256(token);
  std::lock_guard lock(mutex_);
  if (const auto it = entries_.find(digest); it != entries_.end()) Erase(it);
  if (!Fits(entry_bytes)) MakeRoom(entry_bytes, now);
  entries_.emplace(digest, std::move(verified));
  bytes_ += entry_bytes;
}

std::size_t TokenCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

std::size_t TokenCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

bool TokenCache::Fits(std::size_t extra_bytes) const {
  return entries_.size() < capacity_ && bytes_ + extra_bytes <= max_bytes_;
}

void TokenCache::Erase(Entries::iterator it) {
  bytes_ -= EntryBytes(it->second);
  entries_.erase(it);
}

void TokenCache::MakeRoom(std::size_t extra_bytes, int64_t now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    const auto next = std::next(it);
    if (it->second.expires_at <= now) Erase(it);
    it = next;
  }
  // Still full of live tokens: evict an arbitrary eighth rather than one per insert.
  const std::size_t keep_entries = capacity_ - capacity_ / 8;
  const std::size_t keep_bytes = max_bytes_ - max_bytes_ / 8;
  for (auto it = entries_.begin(); it != entries_.end() && !Fits(extra_bytes);) {
    const auto next = std::next(it);
    if (entries_.size() >= keep_entries || bytes_ + extra_bytes > keep_bytes) Erase(it);
    it = next;
  }
}

}  // namespace coffer::auth
