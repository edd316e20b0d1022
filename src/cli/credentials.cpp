#include "cli/credentials.hpp"

#include <boost/json.hpp>

#include "crypto/random.hpp"
#include "crypto/rsa.hpp"

namespace coffer::cli {

IssuedKey IssueKey(std::vector<std::string> roles, std::string description, int64_t now) {
  auto pair = crypto::GenerateRsaKeyPair(2048);
  IssuedKey issued;
  issued.key.key_id = crypto::RandomHex(16);
  issued.key.public_key_pem = std::move(pair.public_pem);
  issued.key.roles = std::move(roles);
  issued.key.description = std::move(description);
  issued.key.enabled = true;
  issued.key.created = now;
  issued.private_key_pem = std::move(pair.private_pkcs8_pem);
  return issued;
}

std::string CredentialsJson(const store::Account& account, const IssuedKey& issued) {
  // Written by hand for the conventional layout of the file; every string goes through the
  // JSON serialiser so escaping is right.
  const auto str = [](const std::string& text) {
    return boost::json::serialize(boost::json::string(text));
  };
  return "{\n  \"account_email\": " + str(account.email) +
         ",\n  \"account_id\": " + std::to_string(account.id) +
         ",\n  \"key_id\": " + str(issued.key.key_id) +
         ",\n  \"private_key\": " + str(issued.private_key_pem) + "\n}\n";
}

}  // namespace coffer::cli
