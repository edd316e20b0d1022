#include "auth/authenticator.hpp"

#include "auth/jwt.hpp"
#include "common/api_error.hpp"
#include "common/strings.hpp"
#include "crypto/digest.hpp"
#include "crypto/rsa.hpp"

namespace coffer::auth {

using common::ApiError;
using common::ErrorCode;

namespace {

[[noreturn]] void Fail(ErrorCode code = ErrorCode::kAuthorizationFailed) { throw ApiError(code); }

// An upper bound on remembered parsed keys; past it the map starts over.
constexpr std::size_t kMaxParsedKeys = 10000;

}  // namespace

Authenticator::Authenticator(store::AccountStore& accounts, const common::Clock& clock,
                             AuthenticatorOptions options, common::MetricsRegistry* metrics)
    : accounts_(accounts),
      clock_(clock),
      options_(options),
      token_cache_(options.token_cache_capacity, options.token_cache_bytes),
      cache_hits_(&own_cache_counts_[0]),
      cache_misses_(&own_cache_counts_[1]) {
  if (metrics == nullptr) return;
  const std::string help = "Bearer tokens found already verified in the cache, or not.";
  cache_hits_ = &metrics->AddCounter("coffer_token_cache_lookups_total", help, {{"result", "hit"}});
  cache_misses_ =
      &metrics->AddCounter("coffer_token_cache_lookups_total", help, {{"result", "miss"}});
}

Authenticator::~Authenticator() = default;

Principal Authenticator::Authenticate(const std::optional<std::string>& authorization,
                                      const LegacyCredentials& legacy) {
  if (authorization) return AuthenticateBearer(*authorization);
  return AuthenticateLegacy(legacy);
}

Principal Authenticator::AuthenticateBearer(std::string_view header) {
  const auto token = BearerToken(header);
  if (!token) Fail();
  const int64_t now = clock_.NowSeconds();

  // An oversized token is never cached: ParseJwt refuses it without hashing it first.
  const bool cacheable = token->size() <= kMaxJwtBytes;
  const auto cached = cacheable ? token_cache_.Find(*token, now) : std::nullopt;
  (cached ? cache_hits_ : cache_misses_)->Add();
  if (cached) {
    const auto key = accounts_.FindKey(cached->key_id);
    if (!key || key->account_id != cached->account_id) Fail();
    return PrincipalForKey(*key);
  }

  const JwtToken jwt = ParseJwt(*token);
  const auto key = accounts_.FindKey(jwt.key_id);
  if (!key || !key->enabled) Fail();
  if (!PublicKey(*key)->VerifyRs256(jwt.signing_input, jwt.signature)) Fail();
  if (jwt.issuer != key->account_id) Fail();
  int64_t lifetime = 0;
  if (__builtin_sub_overflow(jwt.expires_at, jwt.issued_at, &lifetime) ||
      lifetime > options_.max_token_lifetime) {
    Fail(ErrorCode::kTokenTtlTooLong);
  }
  const int64_t latest_start = now + options_.clock_skew_allowance;  // now is a sane time
  if (jwt.issued_at > latest_start || (jwt.not_before && *jwt.not_before > latest_start)) {
    Fail(ErrorCode::kTokenFromFuture);
  }
  if (jwt.expires_at <= now) Fail(ErrorCode::kTokenExpired);

  Principal principal = PrincipalForKey(*key);
  token_cache_.Insert(*token, VerifiedToken{key->key_id, key->account_id, jwt.expires_at}, now);
  return principal;
}

Principal Authenticator::PrincipalForKey(const store::ServiceKey& key) {
  if (!key.enabled) Fail();
  // The key's row carries its account's name: one read per request instead of two.
  return Principal{key.account_id, key.account_name, key.key_id, key.roles, false};
}

Principal Authenticator::AuthenticateLegacy(const LegacyCredentials& legacy) {
  if (!legacy.api_key) Fail();
  std::optional<store::Account> account;
  if (legacy.account_id) {
    const auto id = common::ParseStrictInt64(*legacy.account_id);
    if (!id) Fail();
    account = accounts_.FindById(*id);
  } else if (legacy.account_name) {
    account = accounts_.FindByName(*legacy.account_name);
  } else if (legacy.account_email) {
    account = accounts_.FindByEmail(*legacy.account_email);
  }
  // Hash even when the account is unknown so timing does not tell which accounts exist.
  const std::string presented = crypto::Sha256Hex(*legacy.api_key);
  const std::string expected = account ? account->api_key_hash : std::string(presented.size(), '-');
  if (!crypto::ConstantTimeEquals(presented, expected) || !account) Fail();
  return Principal{account->id, account->name, "", {}, true};
}

std::shared_ptr<const crypto::RsaPublicKey> Authenticator::PublicKey(const store::ServiceKey& key) {
  {
    std::lock_guard lock(keys_mutex_);
    const auto it = public_keys_.find(key.key_id);
    if (it != public_keys_.end() && it->second.first == key.public_key_pem)
      return it->second.second;
  }
  std::shared_ptr<const crypto::RsaPublicKey> parsed;
  try {
    parsed = crypto::RsaPublicKey::FromPem(key.public_key_pem);
  } catch (const std::runtime_error&) {
    Fail();  // a stored key that does not parse authenticates nothing
  }
  std::lock_guard lock(keys_mutex_);
  if (public_keys_.size() >= kMaxParsedKeys) public_keys_.clear();
  public_keys_.insert_or_assign(key.key_id, std::make_pair(key.public_key_pem, parsed));
  return parsed;
}

}  // namespace coffer::auth
