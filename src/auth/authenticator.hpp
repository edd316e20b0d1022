#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/principal.hpp"
#include "auth/token_cache.hpp"
#include "common/clock.hpp"
#include "common/metrics.hpp"
#include "store/accounts.hpp"

namespace coffer::crypto {
class RsaPublicKey;
}

namespace coffer::auth {

struct AuthenticatorOptions {
  // Verified tokens remembered (SPEC 2.1 allows replay within a token's lifetime).
  std::size_t token_cache_capacity = 100000;
  // Bytes those entries may take (each costs about 200, whatever the token's size).
  std::size_t token_cache_bytes = 32 * 1024 * 1024;
  // Longest accepted `exp - iat`, seconds.
  int64_t max_token_lifetime = 3600;
  // How far `iat`/`nbf` may be ahead of the server's clock, seconds.
  int64_t clock_skew_allowance = 30;
};

// Legacy credentials (SPEC 2.3), read from the request's parameters.
struct LegacyCredentials {
  std::optional<std::string> account_id;
  std::optional<std::string> account_name;
  std::optional<std::string> account_email;
  std::optional<std::string> api_key;
};

// Turns a request's credentials into a Principal, or throws common::ApiError with the code of
// the first failed check (SPEC 2.1 order). Keys and accounts are read from the store on every
// call, so an operator's changes apply to the next request. Thread-safe; the store must
// outlive it.
class Authenticator {
 public:
  // Counts the token cache's hits and misses in `metrics` when given (it must outlive this).
  Authenticator(store::AccountStore& accounts, const common::Clock& clock,
                AuthenticatorOptions options, common::MetricsRegistry* metrics = nullptr);
  ~Authenticator();

  // `authorization` is the Authorization header, if the request had one; when it did, the
  // legacy credentials are ignored.
  Principal Authenticate(const std::optional<std::string>& authorization,
                         const LegacyCredentials& legacy);

 private:
  Principal AuthenticateBearer(std::string_view header);
  Principal AuthenticateLegacy(const LegacyCredentials& legacy);
  // The enabled key `key_id` of `account_id` as a principal; throws 100 otherwise.
  Principal PrincipalForKey(const store::ServiceKey& key);
  std::shared_ptr<const crypto::RsaPublicKey> PublicKey(const store::ServiceKey& key);

  store::AccountStore& accounts_;
  const common::Clock& clock_;
  const AuthenticatorOptions options_;
  TokenCache token_cache_;
  common::Counter own_cache_counts_[2];  // counted here when no registry was given
  common::Counter* cache_hits_;
  common::Counter* cache_misses_;
  std::mutex keys_mutex_;
  // Parsed public keys by key id, with the PEM they came from.
  std::unordered_map<std::string,
                     std::pair<std::string, std::shared_ptr<const crypto::RsaPublicKey>>>
      public_keys_;
};

}  // namespace coffer::auth
