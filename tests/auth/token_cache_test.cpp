#include "auth/token_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace coffer::auth {
namespace {

constexpr std::size_t kManyBytes = 1 << 20;

VerifiedToken Verified(std::string key_id, int64_t expires_at) {
  return VerifiedToken{std::move(key_id), 7, expires_at};
}

TEST(TokenCacheTest, FindsWhatWasInserted) {
  TokenCache cache(10, kManyBytes);
  EXPECT_EQ(cache.Find("t1", 0), std::nullopt);
  cache.Insert("t1", Verified("k1", 100), 0);
  const auto found = cache.Find("t1", 50);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->key_id, "k1");
  EXPECT_EQ(found->account_id, 7);
  EXPECT_EQ(found->expires_at, 100);
  EXPECT_EQ(cache.Find("t2", 50), std::nullopt);
  EXPECT_EQ(cache.Find("t", 50), std::nullopt);  // whole-token match only
  EXPECT_EQ(cache.size(), 1u);
}

TEST(TokenCacheTest, EntriesExpireAtExp) {
  TokenCache cache(10, kManyBytes);
  cache.Insert("t1", Verified("k1", 100), 0);
  EXPECT_TRUE(cache.Find("t1", 99));
  EXPECT_EQ(cache.Find("t1", 100), std::nullopt);  // exp <= now is expired
  EXPECT_EQ(cache.size(), 0u);                     // and removed
  EXPECT_EQ(cache.Find("t1", 50), std::nullopt);   // gone for good
}

TEST(TokenCacheTest, InsertReplaces) {
  TokenCache cache(10, kManyBytes);
  cache.Insert("t1", Verified("k1", 100), 0);
  cache.Insert("t1", Verified("k2", 200), 0);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(cache.Find("t1", 150)->key_id, "k2");
}

TEST(TokenCacheTest, SizeIsBoundedByCapacity) {
  TokenCache cache(4, kManyBytes);
  for (int i = 0; i < 50; ++i) {
    cache.Insert("token-" + std::to_string(i), Verified("k", 1000), 0);
    EXPECT_LE(cache.size(), 4u);
  }
  EXPECT_TRUE(cache.Find("token-49", 1));  // the newest is kept
}

TEST(TokenCacheTest, ExpiredEntriesAreDroppedFirst) {
  TokenCache cache(3, kManyBytes);
  cache.Insert("short", Verified("k", 10), 0);
  cache.Insert("long-1", Verified("k", 1000), 0);
  cache.Insert("long-2", Verified("k", 1000), 0);
  cache.Insert("new", Verified("k", 1000), 20);  // full: "short" has expired
  EXPECT_TRUE(cache.Find("long-1", 20));
  EXPECT_TRUE(cache.Find("long-2", 20));
  EXPECT_TRUE(cache.Find("new", 20));
  EXPECT_EQ(cache.size(), 3u);
}

TEST(TokenCacheTest, ZeroCapacityRemembersNothing) {
  TokenCache cache(0, kManyBytes);
  cache.Insert("t1", Verified("k1", 100), 0);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.Find("t1", 0), std::nullopt);
}

TEST(TokenCacheTest, CapacityOneKeepsTheLatest) {
  TokenCache cache(1, kManyBytes);
  cache.Insert("a", Verified("k", 100), 0);
  cache.Insert("b", Verified("k", 100), 0);
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_TRUE(cache.Find("b", 0));
}

TEST(TokenCacheTest, AnEntryCostsTheSameWhateverTheTokenSize) {
  TokenCache cache(10, kManyBytes);
  cache.Insert("short", Verified("k1", 100), 0);
  const std::size_t one = cache.bytes();
  EXPECT_EQ(one, TokenCache::EntryBytes(Verified("k1", 100)));
  cache.Insert(std::string(64 * 1024, 'x'), Verified("k1", 100), 0);
  EXPECT_EQ(cache.bytes(), 2 * one);
  EXPECT_LT(one, 512u);
  EXPECT_TRUE(cache.Find(std::string(64 * 1024, 'x'), 0));
  EXPECT_FALSE(cache.Find(std::string(64 * 1024 - 1, 'x'), 0));
}

TEST(TokenCacheTest, BytesAreBoundedAndAccountedOnEveryRemoval) {
  const std::size_t entry = TokenCache::EntryBytes(Verified("k", 0));
  TokenCache cache(1000, 5 * entry);
  for (int i = 0; i < 100; ++i) {
    cache.Insert("token-" + std::to_string(i), Verified("k", 1000), 0);
    EXPECT_LE(cache.bytes(), 5 * entry);
    EXPECT_EQ(cache.bytes(), cache.size() * entry);
  }
  EXPECT_TRUE(cache.Find("token-99", 1));
  cache.Insert("token-99", Verified("k", 10), 0);  // replacing keeps the count right
  EXPECT_EQ(cache.bytes(), cache.size() * entry);
  EXPECT_FALSE(cache.Find("token-99", 10));  // expired: removed
  EXPECT_EQ(cache.bytes(), cache.size() * entry);
}

TEST(TokenCacheTest, AnEntryOverTheByteBoundIsNotKept) {
  TokenCache cache(10, TokenCache::EntryBytes(Verified("k", 0)));
  cache.Insert("t1", Verified("a-longer-key-id", 100), 0);
  EXPECT_EQ(cache.size(), 0u);
  cache.Insert("t2", Verified("k", 100), 0);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(TokenCacheTest, ConcurrentUseStaysBounded) {
  TokenCache cache(64, kManyBytes);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 500; ++i) {
        const std::string token = std::to_string(t) + ":" + std::to_string(i);
        cache.Insert(token, Verified("k", 1000 + i), i);
        cache.Find(token, i);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
}  // namespace coffer::auth
