#include "token.hpp"

#include <boost/json.hpp>

#include "crypto/base64url.hpp"
#include "crypto/rsa.hpp"

namespace coffer::bench {

std::string MintRs256Token(std::string_view private_key_pem, std::string_view key_id,
                           int64_t account_id, int64_t issued_at, int64_t expires_at) {
  const boost::json::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", key_id}};
  const boost::json::object claims{{"iss", account_id}, {"iat", issued_at}, {"exp", expires_at}};
  const std::string signing_input =
      crypto::Base64UrlEncode(boost::json::serialize(header)) + "." +
      crypto::Base64UrlEncode(boost::json::serialize(claims));
  return signing_input + "." +
         crypto::Base64UrlEncode(crypto::SignRs256(private_key_pem, signing_input));
}

}  // namespace coffer::bench
