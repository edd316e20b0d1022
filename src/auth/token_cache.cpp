#include "auth/token_cache.hpp"

namespace coffer::auth {

TokenCache::TokenCache(std::size_t capacity) : capacity_(capacity) {}

std::optional<VerifiedToken> TokenCache::Find(std::string_view token, int64_t now) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(std::string(token));
  if (it == entries_.end()) return std::nullopt;
  if (it->second.expires_at <= now) {
    entries_.erase(it);
    return std::nullopt;
  }
  return it->second;
}

void TokenCache::Insert(std::string_view token, VerifiedToken verified, int64_t now) {
  if (capacity_ == 0) return;
  std::lock_guard lock(mutex_);
  if (entries_.size() >= capacity_) MakeRoom(now);
  entries_.insert_or_assign(std::string(token), std::move(verified));
}

std::size_t TokenCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void TokenCache::MakeRoom(int64_t now) {
  std::erase_if(entries_, [now](const auto& entry) { return entry.second.expires_at <= now; });
  // Still full of live tokens: evict an arbitrary eighth rather than one per insert.
  for (auto it = entries_.begin(); entries_.size() >= capacity_ - capacity_ / 8 && it != entries_.end();) {
    it = entries_.erase(it);
  }
}

}  // namespace coffer::auth
