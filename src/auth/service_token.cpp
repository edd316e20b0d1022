#include "auth/service_token.hpp"

#include <boost/json.hpp>

#include "crypto/base64url.hpp"
#include "crypto/rsa.hpp"

namespace coffer::auth {

namespace json = boost::json;

ServiceCredentials ParseCredentials(std::string_view json_text) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(json_text, ec);
  if (ec || !parsed.is_object()) throw CredentialsError("not a JSON object");
  const json::object& file = parsed.get_object();
  const json::value* account = file.if_contains("account_id");
  if (account == nullptr || !account->is_int64() || account->get_int64() <= 0) {
    throw CredentialsError("\"account_id\" is missing or not a positive number");
  }
  const json::value* key_id = file.if_contains("key_id");
  if (key_id == nullptr || !key_id->is_string() || key_id->get_string().empty()) {
    throw CredentialsError("\"key_id\" is missing or not a string");
  }
  const json::value* private_key = file.if_contains("private_key");
  if (private_key == nullptr || !private_key->is_string() || private_key->get_string().empty()) {
    throw CredentialsError("\"private_key\" is missing or not a string");
  }
  return ServiceCredentials{account->get_int64(), std::string(key_id->get_string()),
                            common::SecureString(private_key->get_string())};
}

std::string SignServiceToken(const ServiceCredentials& credentials, int64_t now, int64_t lifetime) {
  if (lifetime < 1 || lifetime > 3600) throw std::invalid_argument("token lifetime out of range");
  const std::string header = crypto::Base64UrlEncode(
      json::serialize(json::object{{"alg", "RS256"}, {"typ", "JWT"}, {"kid", credentials.key_id}}));
  const std::string payload = crypto::Base64UrlEncode(json::serialize(
      json::object{{"iss", credentials.account_id}, {"iat", now}, {"exp", now + lifetime}}));
  const std::string signing_input = header + "." + payload;
  return signing_input + "." +
         crypto::Base64UrlEncode(
             crypto::SignRs256(credentials.private_key_pem.view(), signing_input));
}

}  // namespace coffer::auth
