// token_helper CREDENTIALS_JSON [LIFETIME_SECONDS]
//
// Prints an RS256 service-account token for the key in an official credentials file
// (SPEC 2.2), with iat = now and exp = now + LIFETIME_SECONDS (default 3600, the longest a server accepts), so
// that a load generator can reuse one token for up to an hour.

#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "token.hpp"

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::cerr << "usage: token_helper CREDENTIALS_JSON [LIFETIME_SECONDS]\n";
    return 2;
  }
  try {
    std::ifstream file(argv[1]);
    if (!file) throw std::runtime_error(std::string("cannot read ") + argv[1]);
    std::stringstream text;
    text << file.rdbuf();
    const boost::json::object credentials = boost::json::parse(text.str()).as_object();
    const int64_t lifetime = argc == 3 ? std::stoll(argv[2]) : 3600;
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    std::cout << coffer::bench::MintRs256Token(
                     std::string(credentials.at("private_key").as_string()),
                     std::string(credentials.at("key_id").as_string()),
                     credentials.at("account_id").to_number<int64_t>(), now, now + lifetime)
              << "\n";
  } catch (const std::exception& e) {
    std::cerr << "token_helper: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
