#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>

#include "api/application_methods.hpp"
#include "api/method_table.hpp"
#include "api/router.hpp"
#include "auth/authenticator.hpp"
#include "crypto/digest.hpp"
#include "crypto/rsa.hpp"
#include "service/applications.hpp"
#include "store/open.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"
#include "support/tokens.hpp"

namespace coffer::api {

// A Router wired as `coffer serve` wires it, on a real store (store::Open) with a fake clock.
// Account "dev" has keys owner-key (Owner), developer-key (Developer), support-key (Support)
// and noroles-key (none) plus the legacy api_key "legacy-secret"; account "other" has
// other-key (Owner).
class RouterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { keys_ = new crypto::RsaKeyPair(crypto::GenerateRsaKeyPair()); }
  static void TearDownTestSuite() { delete keys_; }

  RouterTest()
      : store_(store::Open({.sqlite_path = dir_.File("coffer.db")})),
        authenticator_(store_->accounts(), clock_, auth::AuthenticatorOptions{}),
        applications_(store_->applications(), clock_, service::ApplicationsOptions{}) {
    auto& accounts = store_->accounts();
    dev_id_ = accounts.Create("dev", "dev@localhost", 1, Key("owner-key", {"Owner"})).value().id;
    other_id_ =
        accounts.Create("other", "other@localhost", 1, Key("other-key", {"Owner"})).value().id;
    const std::pair<std::string, std::vector<std::string>> more_keys[] = {
        {"developer-key", {"Developer"}}, {"support-key", {"Support"}}, {"noroles-key", {}}};
    for (const auto& [id, roles] : more_keys) {
      store::ServiceKey key = Key(id, roles);
      key.account_id = dev_id_;
      EXPECT_EQ(accounts.AddKey(key), store::Outcome::kOk);
    }
    EXPECT_EQ(accounts.SetApiKeyHash(dev_id_, crypto::Sha256Hex("legacy-secret")),
              store::Outcome::kOk);
    RegisterApplicationMethods(methods_, applications_);
    UseOptions(RouterOptions{});
  }

  void UseOptions(RouterOptions options, CallObserver* observer = nullptr,
                  service::AuditTrail* audit = nullptr) {
    router_ = std::make_unique<Router>(methods_, authenticator_, store_->meta(), options, observer,
                                       audit);
  }

  static store::ServiceKey Key(std::string id, std::vector<std::string> roles) {
    store::ServiceKey key;
    key.key_id = std::move(id);
    key.public_key_pem = keys_->public_pem;
    key.roles = std::move(roles);
    return key;
  }

  // "Bearer <token>" for `kid`, issued now for 64 s by the key's account.
  std::string BearerFor(const std::string& kid) const {
    const int64_t account = kid == "other-key" ? other_id_ : dev_id_;
    const int64_t now = clock_.NowSeconds();
    return "Bearer " +
           testing_support::SignedToken(keys_->private_pkcs8_pem, testing_support::Rs256Header(kid),
                                        testing_support::Claims(account, now, now + 64));
  }

  static common::HttpRequest Request(std::string method, std::string target,
                                     std::optional<std::string> authorization,
                                     std::string content_type = "", std::string body = "") {
    common::HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.authorization = std::move(authorization);
    request.content_type = std::move(content_type);
    request.body = std::move(body);
    return request;
  }

  common::HttpResponse Send(std::string method, std::string target,
                            std::optional<std::string> authorization, std::string content_type = "",
                            std::string body = "") const {
    return router_->Handle(Request(std::move(method), std::move(target), std::move(authorization),
                                   std::move(content_type), std::move(body)));
  }

  // GET `target` as `kid`.
  common::HttpResponse Get(const std::string& target, const std::string& kid = "owner-key") const {
    return Send("GET", target, BearerFor(kid));
  }

  // A urlencoded POST as `kid`.
  common::HttpResponse Post(const std::string& target, const std::string& form,
                            const std::string& kid = "owner-key") const {
    return Send("POST", target, BearerFor(kid), "application/x-www-form-urlencoded", form);
  }

  static boost::json::object Body(const common::HttpResponse& response) {
    return boost::json::parse(response.body).as_object();
  }

  // The error code of a response, 0 for a success body.
  static int Code(const common::HttpResponse& response) {
    const auto body = Body(response);
    const auto* error = body.if_contains("error");
    return error ? static_cast<int>(error->at("code").as_int64()) : 0;
  }

  static std::string Msg(const common::HttpResponse& response) {
    return std::string(Body(response).at("error").at("msg").as_string());
  }

  static std::optional<std::string> Header(const common::HttpResponse& response,
                                           const std::string& name) {
    for (const auto& [key, value] : response.headers) {
      if (key == name) return value;
    }
    return std::nullopt;
  }

  static crypto::RsaKeyPair* keys_;
  testing_support::TempDir dir_;
  testing_support::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  auth::Authenticator authenticator_;
  service::Applications applications_;
  MethodTable methods_;
  std::unique_ptr<Router> router_;
  int64_t dev_id_ = 0;
  int64_t other_id_ = 0;
};

inline crypto::RsaKeyPair* RouterTest::keys_ = nullptr;

}  // namespace coffer::api
