// Export and import of one application (SPEC 16) on a real store: what is exported opens with
// the source's keys; what is imported is sealed so that the secrets service of the target opens
// it; content that breaks the protocol's rules is refused before anything is written.

#include "service/application_transfer.hpp"

#include <gtest/gtest.h>

#include <string>

#include "domain/key_value_rules.hpp"
#include "service/secrets.hpp"
#include "store/open.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

namespace coffer::service {
namespace {

using common::SecureString;
using store::Outcome;

class ApplicationTransferTest : public ::testing::Test {
 protected:
  ApplicationTransferTest()
      : store_(store::Open({.sqlite_path = dir_.File("coffer.db")})),
        keyring_(crypto::MasterKey::Generate()),
        secrets_(store_->secrets(), keyring_, clock_),
        transfer_(store_->transfers(), keyring_, clock_) {
    account_ = MakeAccount("dev");
    other_account_ = MakeAccount("other");
  }

  int64_t MakeAccount(const std::string& name) {
    store::ServiceKey key;
    key.key_id = name + "-key";
    key.public_key_pem = "unused";
    return store_->accounts().Create(name, name + "@localhost", 1, key).value().id;
  }

  int64_t Create(int64_t account, const std::string& name) {
    return store_->applications().Create(account, name, false, clock_.NowSeconds(), 0).value().id;
  }

  // The value of secret `name` as the secrets service of `account`'s `app` opens it.
  std::string Value(int64_t account, int64_t app, const std::string& name) {
    auto revealed = secrets_.Reveal(account, app, SecretRef{std::nullopt, name});
    EXPECT_TRUE(revealed.ok()) << name;
    return revealed.ok() ? std::string(revealed.value().value.view()) : "";
  }

  int64_t ApplicationId(int64_t account, const std::string& name) {
    const auto found = store_->applications().FindByShortName(account, name);
    return found ? found->id : 0;
  }

  // An export that holds one secret and one item unless the test changes it.
  ApplicationExport Data() {
    ApplicationExport data;
    data.application = "source";
    data.secrets.push_back(ExportedSecret{"good", SecureString("value"), "text", 10, 20});
    data.items.push_back(store::KvItem{"key", "value", clock_.NowSeconds() + 60});
    return data;
  }

  std::string Rejection(const ApplicationExport& data) {
    try {
      transfer_.Import(account_, "target", data, false, 0);
    } catch (const ImportRejected& e) {
      EXPECT_EQ(ApplicationId(account_, "target"), 0) << "nothing written";
      return e.what();
    }
    return "";
  }

  testing_support::TempDir dir_;
  testing_support::FakeClock clock_;
  std::unique_ptr<store::Store> store_;
  crypto::Keyring keyring_;
  Secrets secrets_;
  ApplicationTransfer transfer_;
  int64_t account_ = 0, other_account_ = 0;
};

TEST_F(ApplicationTransferTest, WhatIsExportedImportsIntoAnotherAccountAndOpensThere) {
  const int64_t source = Create(account_, "source");
  ASSERT_TRUE(secrets_.Add(account_, source, "first", SecureString("one"), "described").ok());
  ASSERT_TRUE(secrets_.Add(account_, source, "second", SecureString("two"), std::nullopt).ok());
  ASSERT_EQ(store_->key_value().Put(source, {"k", "v", clock_.NowSeconds() + 100}), Outcome::kOk);

  const auto exported = transfer_.Export(account_, "source");
  ASSERT_TRUE(exported);
  EXPECT_EQ(exported->application_id, source);
  EXPECT_EQ(exported->data.application, "source");
  EXPECT_EQ(exported->data.exported_at, clock_.NowSeconds());
  ASSERT_EQ(exported->data.secrets.size(), 2U);
  EXPECT_EQ(exported->data.secrets[0].value.view(), "one");
  EXPECT_EQ(exported->data.secrets[0].description, "described");
  EXPECT_EQ(exported->data.secrets[1].description, std::nullopt);
  ASSERT_EQ(exported->data.items.size(), 1U);

  clock_.Advance(5);
  const store::ImportOutcome done =
      transfer_.Import(other_account_, "copy", exported->data, false, 0);
  ASSERT_EQ(done.outcome, Outcome::kOk);
  const int64_t copy = done.summary.application.id;
  EXPECT_EQ(Value(other_account_, copy, "first"), "one") << "sealed for its new row";
  EXPECT_EQ(Value(other_account_, copy, "second"), "two");
  const auto listed = secrets_.List(other_account_, copy, "", 0, 10).value();
  ASSERT_EQ(listed.items.size(), 2U);
  EXPECT_EQ(listed.items[0].description, "described");
  EXPECT_EQ(listed.items[0].created, exported->data.secrets[0].created);
  EXPECT_EQ(store_->key_value().Get(copy, "k", clock_.NowSeconds()).value().value, "v");
  // The copy opens under its own binding only: the source's ciphertexts were not copied.
  EXPECT_EQ(Value(account_, source, "first"), "one");
  EXPECT_FALSE(transfer_.Export(account_, "nosuch"));
  EXPECT_FALSE(transfer_.Export(other_account_, "source")) << "another account's application";
}

TEST_F(ApplicationTransferTest, ReplacedSecretsOpenWithTheirNewValues) {
  const int64_t app = Create(account_, "target");
  ASSERT_TRUE(secrets_.Add(account_, app, "good", SecureString("old"), std::nullopt).ok());
  const store::ImportOutcome done = transfer_.Import(account_, "target", Data(), true, 0);
  ASSERT_EQ(done.outcome, Outcome::kOk);
  EXPECT_EQ(done.summary.secrets_replaced, 1);
  EXPECT_EQ(Value(account_, app, "good"), "value");
  EXPECT_EQ(secrets_.List(account_, app, "", 0, 10).value().items[0].description, "text");
}

TEST_F(ApplicationTransferTest, ExpiredItemsAreSkippedAndLifetimesCapped) {
  ApplicationExport data = Data();
  const int64_t now = clock_.NowSeconds();
  data.items = {{"expired", "x", now}, {"far", "y", now + 10 * domain::kMaxKvTtl}};
  const store::ImportOutcome done = transfer_.Import(account_, "target", data, false, 0);
  ASSERT_EQ(done.outcome, Outcome::kOk);
  EXPECT_EQ(done.summary.items_added, 1);
  const int64_t app = done.summary.application.id;
  EXPECT_EQ(store_->key_value().Get(app, "expired", now - 1).outcome(), Outcome::kNotFound);
  EXPECT_EQ(store_->key_value().Get(app, "far", now).value().expires_at, now + domain::kMaxKvTtl);
}

TEST_F(ApplicationTransferTest, ContentBreakingTheProtocolsRulesIsRefusedWhole) {
  const auto with_secret = [&](ExportedSecret secret) {
    ApplicationExport data = Data();
    data.secrets.push_back(std::move(secret));
    return data;
  };
  const auto with_item = [&](store::KvItem item) {
    ApplicationExport data = Data();
    data.items.push_back(std::move(item));
    return data;
  };
  const int64_t later = clock_.NowSeconds() + 60;
  EXPECT_EQ(Rejection(with_secret({"1bad", SecureString("v"), std::nullopt, 0, 0})),
            "secret name \"1bad\" is not a valid secret name");
  EXPECT_EQ(Rejection(with_secret({"good", SecureString("v"), std::nullopt, 0, 0})),
            "secret \"good\" appears twice");
  EXPECT_EQ(Rejection(with_secret({"empty", SecureString(""), std::nullopt, 0, 0})),
            "the value of secret \"empty\" is empty, not UTF-8 or longer than 8192 characters");
  EXPECT_NE(
      Rejection(with_secret({"long", SecureString(std::string(8193, 'x')), std::nullopt, 0, 0})),
      "");
  EXPECT_NE(Rejection(with_secret({"bytes", SecureString("\xff"), std::nullopt, 0, 0})), "");
  EXPECT_EQ(Rejection(with_secret({"described", SecureString("v"), std::string(201, 'd'), 0, 0})),
            "the description of secret \"described\" is not UTF-8 or longer than 200 characters");
  EXPECT_EQ(Rejection(with_secret({"late", SecureString("v"), std::nullopt, 20, 10})),
            "secret \"late\" has times out of order or out of range");
  EXPECT_EQ(Rejection(with_secret({"early", SecureString("v"), std::nullopt, -1, 10})),
            "secret \"early\" has times out of order or out of range");
  EXPECT_EQ(Rejection(with_secret({"two\nlines", SecureString("v"), std::nullopt, 0, 0})),
            "secret name \"two\\nlines\" is not a valid secret name")
      << "a name cannot break the one-line message";
  EXPECT_EQ(Rejection(with_item({"", "v", later})), "item key \"\" is not a valid key");
  EXPECT_EQ(Rejection(with_item({"bad key", "v", later})),
            "item key \"bad key\" is not a valid key");
  EXPECT_NE(Rejection(with_item({std::string(201, 'k'), "v", later})), "");
  EXPECT_EQ(Rejection(with_item({"key", "v", later})), "item \"key\" appears twice");
  EXPECT_EQ(Rejection(with_item({"long", std::string(2001, 'v'), later})),
            "the value of item \"long\" is not UTF-8 or longer than 2000 characters");
  // The limits themselves are allowed.
  ApplicationExport limits =
      with_secret({"fits", SecureString(std::string(8192, 'x')), std::string(200, 'd'), 0, 0});
  limits.items.push_back({std::string(200, 'k'), std::string(2000, 'v'), later});
  EXPECT_EQ(transfer_.Import(account_, "target", limits, false, 0).outcome, Outcome::kOk);
}

}  // namespace
}  // namespace coffer::service
