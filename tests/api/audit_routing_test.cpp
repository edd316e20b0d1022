// The router and the audit log (SPEC 16): every call of an audited method is recorded, a write's
// record with the write, and an answer whose record cannot be written is withheld (no record,
// no value), whether it is made now or on the writer's thread.

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <string>
#include <vector>

#include "api/secret_methods.hpp"
#include "crypto/keyring.hpp"
#include "router_fixture.hpp"
#include "service/audit_trail.hpp"
#include "service/secrets.hpp"

namespace coffer::api {
namespace {

// An audit log whose appends fail as an unreachable database does; the scope path still goes to
// the real store.
class UnavailableAudit final : public store::AuditStore {
 public:
  explicit UnavailableAudit(store::AuditStore& real) : real_(real) {}
  void Append(const store::AuditAppend&, const store::AuditChain&) override {
    throw store::StoreUnavailable("audit log unreachable");
  }
  std::vector<store::AuditRow> Rows(int64_t after, int64_t limit) override {
    return real_.Rows(after, limit);
  }
  store::AuditHead Head() override { return real_.Head(); }

 private:
  store::AuditStore& real_;
};

class AuditRoutingTest : public RouterTest {
 protected:
  AuditRoutingTest()
      : keyring_(crypto::MasterKey::Generate()),
        secrets_(store_->secrets(), keyring_, clock_),
        trail_(store_->audit(), clock_) {
    RegisterSecretMethods(methods_, applications_, secrets_);
    UseOptions(RouterOptions{.answer_on_network_threads = true}, nullptr, &trail_);
    EXPECT_EQ(Code(Get("/platform_api/AddApplication?application_name=vault")), 0);
    EXPECT_EQ(Code(Post("/platform_api/AddSecret",
                        "application_name=vault&secret_name=db&secret_value=VALUE-MARKER"
                        "&secret_description=DESCRIPTION-MARKER")),
              0);
  }

  std::vector<boost::json::object> Records() {
    std::vector<boost::json::object> records;
    trail_.List(0, std::nullopt, [&](const std::string& line) {
      records.push_back(boost::json::parse(line).as_object());
    });
    return records;
  }

  // Starts `request` as the network thread would; returns the answer, whenever it comes, and
  // notes how many records there were when it was handed over.
  common::HttpResponse Started(common::HttpRequest request) {
    std::promise<common::HttpResponse> answered;
    router_->Start(request, [&](common::AnswerMaker make) {
      records_at_answer_ = Records().size();
      answered.set_value(make());
    });
    return answered.get_future().get();
  }

  std::size_t records_at_answer_ = 0;

  crypto::Keyring keyring_;
  service::Secrets secrets_;
  service::AuditTrail trail_;
};

TEST_F(AuditRoutingTest, EveryAuditedCallIsRecordedOnceWithItsOutcome) {
  const std::size_t before = Records().size();
  EXPECT_EQ(Code(Get("/platform_api/GetSecretValue?application_name=vault&secret_name=db")), 0);
  EXPECT_EQ(Code(Get("/platform_api/GetSecretValue?application_name=vault&secret_name=none")), 496);
  EXPECT_EQ(
      Code(Get("/platform_api/DelSecret?application_name=vault&secret_name=db", "support-key")),
      104);
  EXPECT_EQ(Code(Get("/platform_api/GetApplications")), 0) << "not audited";
  EXPECT_EQ(Code(Get("/platform_api/DelSecret?application_name=vault&secret_name=db")), 0);
  const auto records = Records();
  ASSERT_EQ(records.size(), before + 4);
  const auto& read = records[before];
  EXPECT_EQ(read.at("method"), "GetSecretValue");
  EXPECT_EQ(read.at("code"), 0);
  EXPECT_EQ(read.at("key_id"), "owner-key");
  EXPECT_EQ(read.at("account_id"), dev_id_);
  EXPECT_EQ(read.at("secrets"), boost::json::array{"name:db"});
  EXPECT_TRUE(read.at("application_id").is_int64());
  EXPECT_EQ(records[before + 1].at("code"), 496);
  EXPECT_EQ(records[before + 2].at("code"), 104);
  EXPECT_EQ(records[before + 2].at("key_id"), "support-key");
  EXPECT_EQ(records[before + 3].at("method"), "DelSecret");
  EXPECT_EQ(records[before + 3].at("code"), 0);
  for (const auto& record : records) {
    const std::string text = boost::json::serialize(record);
    EXPECT_EQ(text.find("VALUE-MARKER"), std::string::npos) << text;
    EXPECT_EQ(text.find("DESCRIPTION-MARKER"), std::string::npos) << text;
  }
  EXPECT_TRUE(trail_.Verify().intact);
}

TEST_F(AuditRoutingTest, AReadStartedOnTheNetworkThreadIsAnsweredOnceItsRecordIsDurable) {
  const auto request =
      Request("GET", "/platform_api/GetSecretValue?application_name=vault&secret_name=db",
              BearerFor("owner-key"));
  EXPECT_EQ(router_->Place(request), common::Placement::kStart) << "it waits for a commit";
  const std::size_t before = Records().size();
  const auto answer = Started(request);
  EXPECT_NE(answer.body.find("VALUE-MARKER"), std::string::npos);
  EXPECT_EQ(records_at_answer_, before + 1) << "recorded before it was answered";
}

TEST_F(AuditRoutingTest, WhereReadsBlockTheyStartOnAWorkerAndTheCommitHoldsNone) {
  UseOptions(RouterOptions{.answer_on_network_threads = false}, nullptr, &trail_);
  const auto request =
      Request("GET", "/platform_api/GetSecretValue?application_name=vault&secret_name=db",
              BearerFor("owner-key"));
  EXPECT_EQ(router_->Place(request), common::Placement::kWorkerStart);
  EXPECT_EQ(router_->Place(Request("POST", "/platform_api/AddSecret", std::nullopt)),
            common::Placement::kWorkerStart);
  EXPECT_EQ(router_->Place(Request("POST", "/platform_api/GetKeyValueItem", std::nullopt)),
            common::Placement::kWorker)
      << "not audited";
  EXPECT_EQ(router_->Place(Request("POST", "/platform_api/?cmd=GetSecretValue", std::nullopt)),
            common::Placement::kWorker)
      << "known only once decoded; answered in full on its worker";
  const std::size_t before = Records().size();
  const auto answer = Started(request);
  EXPECT_NE(answer.body.find("VALUE-MARKER"), std::string::npos);
  EXPECT_EQ(records_at_answer_, before + 1) << "recorded before it was answered";
  UseOptions(RouterOptions{.answer_on_network_threads = false});
  EXPECT_EQ(router_->Place(request), common::Placement::kWorker) << "no audit log, no wait";
}

TEST_F(AuditRoutingTest, NoRecordNoValue) {
  UnavailableAudit unavailable(store_->audit());
  service::AuditTrail failing(unavailable, clock_);
  UseOptions(RouterOptions{.answer_on_network_threads = true}, nullptr, &failing);
  const std::string target = "/platform_api/GetSecretValue?application_name=vault&secret_name=db";
  for (const auto& answer : {router_->Handle(Request("GET", target, BearerFor("owner-key"))),
                             Started(Request("GET", target, BearerFor("owner-key")))}) {
    EXPECT_EQ(answer.status, 503);
    EXPECT_EQ(answer.body.find("VALUE-MARKER"), std::string::npos) << answer.body;
  }
  EXPECT_EQ(Get("/platform_api/GetSecrets?application_name=vault").status, 503);
}

}  // namespace
}  // namespace coffer::api
