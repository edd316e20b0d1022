// What the router tells a CallObserver of each request, and the two observers built on it:
// CallMetrics (SPEC 16's request counts and latencies) and AccessLog.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/access_log.hpp"
#include "api/call_metrics.hpp"
#include "api/key_value_methods.hpp"
#include "common/metrics.hpp"
#include "router_fixture.hpp"
#include "service/key_value.hpp"

namespace coffer::api {
namespace {

// Keeps every record it is told of, with the thread that told it.
class Recorder final : public CallObserver {
 public:
  struct Seen {
    CallRecord record;
    std::chrono::nanoseconds latency;
    std::thread::id thread;
  };
  void Observe(const CallRecord& record, std::chrono::nanoseconds latency) noexcept override {
    std::lock_guard lock(mutex_);
    seen_.push_back(Seen{record, latency, std::this_thread::get_id()});
  }
  std::vector<Seen> Take() {
    std::lock_guard lock(mutex_);
    return std::exchange(seen_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<Seen> seen_;
};

class CallObservationTest : public RouterTest {
 protected:
  CallObservationTest() : kv_(store_->key_value(), clock_) {
    RegisterKeyValueMethods(methods_, applications_, kv_);
    observers_.Add(recorder_);
    UseOptions(RouterOptions{}, &observers_);
  }

  // Handles `request` from the client address 192.0.2.7.
  common::HttpResponse From(common::HttpRequest request) {
    request.client = "192.0.2.7";
    request.received = std::chrono::steady_clock::now();
    return router_->Handle(request);
  }

  // The one record the last request left.
  CallRecord Only() {
    auto seen = recorder_.Take();
    EXPECT_EQ(seen.size(), 1U);
    return seen.empty() ? CallRecord{} : seen.front().record;
  }

  service::KeyValue kv_;
  Recorder recorder_;
  CallObservers observers_;
};

TEST_F(CallObservationTest, ASuccessIsRecordedWithItsCallerAndApplication) {
  ASSERT_EQ(Code(From(Request("GET", "/platform_api/AddApplication?application_name=obs",
                              BearerFor("owner-key")))),
            0);
  const CallRecord added = Only();
  EXPECT_EQ(added.method, "AddApplication");
  EXPECT_EQ(added.status, 200);
  EXPECT_EQ(added.error_code, 0);
  EXPECT_EQ(added.account_id, dev_id_);
  EXPECT_EQ(added.key_id, "owner-key");
  ASSERT_TRUE(added.application_id.has_value());
  EXPECT_EQ(added.client, "192.0.2.7");

  ASSERT_EQ(Code(From(Request("GET", "/platform_api/GetKeyValueItems?application_name=obs&key=a",
                              BearerFor("developer-key")))),
            0);
  const CallRecord listed = Only();
  EXPECT_EQ(listed.method, "GetKeyValueItems");
  EXPECT_EQ(listed.key_id, "developer-key");
  EXPECT_EQ(listed.application_id, added.application_id);
}

TEST_F(CallObservationTest, EachKindOfFailureIsRecordedWithItsCode) {
  From(Request("GET", "/platform_api/NoSuchMethod", BearerFor("owner-key")));
  CallRecord record = Only();
  EXPECT_EQ(record.method, "") << "a name the caller chose is never kept";
  EXPECT_EQ(record.error_code, 103);
  EXPECT_EQ(record.account_id, 0) << "not authenticated";

  From(Request("GET", "/platform_api/GetApplications", "Bearer not.a.token"));
  record = Only();
  EXPECT_EQ(record.method, "GetApplications");
  EXPECT_EQ(record.error_code, 447);
  EXPECT_EQ(record.account_id, 0);

  From(Request("GET", "/platform_api/AddApplication?application_name=x", BearerFor("support-key")));
  record = Only();
  EXPECT_EQ(record.error_code, 104);
  EXPECT_EQ(record.account_id, dev_id_) << "authenticated, then refused";
  EXPECT_EQ(record.key_id, "support-key");

  From(Request("GET", "/platform_api/GetKeyValueItem?application_name=none&key=k",
               BearerFor("owner-key")));
  record = Only();
  EXPECT_EQ(record.error_code, 558);
  EXPECT_FALSE(record.application_id.has_value());

  From(Request("POST", "/platform_api/GetApplications", BearerFor("owner-key"), "application/json",
               "{not json"));
  record = Only();
  EXPECT_EQ(record.status, 400);
  EXPECT_EQ(record.error_code, 101);

  From(Request("GET", "/platform_api/GetApplications?account_name=dev&api_key=legacy-secret",
               std::nullopt));
  record = Only();
  EXPECT_EQ(record.error_code, 0);
  EXPECT_EQ(record.account_id, dev_id_);
  EXPECT_EQ(record.key_id, "") << "legacy credentials have no key";
}

TEST_F(CallObservationTest, RequestsOutsideTheApiAreNotRecorded) {
  From(Request("GET", "/healthz", std::nullopt));
  From(Request("GET", "/elsewhere", std::nullopt));
  From(Request("PUT", "/platform_api/GetApplications", std::nullopt));
  EXPECT_TRUE(recorder_.Take().empty());
}

TEST_F(CallObservationTest, AnAsynchronousWriteIsRecordedOnceWhenItsAnswerIsMade) {
  ASSERT_EQ(Code(Get("/platform_api/AddApplication?application_name=kv")), 0);
  const CallRecord app = Only();
  std::promise<std::thread::id> answered_on;
  common::HttpRequest request =
      Request("POST", "/platform_api/SetKeyValueItem", BearerFor("owner-key"),
              "application/x-www-form-urlencoded", "application_name=kv&key=k&value=v");
  request.received = std::chrono::steady_clock::now();
  router_->Start(request, [&](common::AnswerMaker make) {
    EXPECT_EQ(Code(make()), 0);
    answered_on.set_value(std::this_thread::get_id());
  });
  const std::thread::id writer = answered_on.get_future().get();
  const auto seen = recorder_.Take();
  ASSERT_EQ(seen.size(), 1U);
  EXPECT_EQ(seen[0].record.method, "SetKeyValueItem");
  EXPECT_EQ(seen[0].record.error_code, 0);
  EXPECT_EQ(seen[0].record.application_id, app.application_id);
  EXPECT_EQ(seen[0].thread, writer) << "observed where the answer was made, after the write";
  EXPECT_GT(seen[0].latency.count(), 0);
}

TEST_F(CallObservationTest, CallMetricsCountExactlyTheRequestsMade) {
  common::MetricsRegistry registry;
  CallMetrics metrics(methods_, registry);
  observers_.Add(metrics);
  for (int i = 0; i < 3; ++i)
    From(Request("GET", "/platform_api/GetApplications", BearerFor("owner-key")));
  From(Request("GET", "/platform_api/GetApplications", std::nullopt));
  From(Request("GET", "/platform_api/Bogus%0Aname", std::nullopt));
  From(Request("GET", "/platform_api/Other", std::nullopt));
  const std::string text = registry.Render();
  EXPECT_NE(text.find("coffer_requests_total{method=\"GetApplications\",code=\"0\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("coffer_requests_total{method=\"GetApplications\",code=\"100\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("coffer_requests_total{method=\"unknown\",code=\"103\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("coffer_request_duration_seconds_count{method=\"GetApplications\"} 4\n"),
            std::string::npos);
  EXPECT_NE(text.find("coffer_requests_total{method=\"SetKeyValueItem\",code=\"0\"} 0\n"),
            std::string::npos)
      << "every method has its series from the start";
  EXPECT_EQ(text.find("Bogus"), std::string::npos) << "no caller-chosen name in a label";
  EXPECT_EQ(text.find("Other"), std::string::npos);
}

TEST_F(CallObservationTest, TheAccessLogHasOneLinePerRequestAndNoValueNameOrToken) {
  std::vector<std::string> lines;
  std::mutex mutex;
  AccessLog log(AccessLogFormat::kText, [&](const std::string& line) {
    std::lock_guard lock(mutex);
    lines.push_back(line);
  });
  observers_.Add(log);
  const std::string token = BearerFor("owner-key");
  ASSERT_EQ(
      Code(From(Request("GET", "/platform_api/AddApplication?application_name=logged-app", token))),
      0);
  const int64_t app_id = *Only().application_id;
  ASSERT_EQ(Code(From(Request("POST", "/platform_api/SetKeyValueItem", token,
                              "application/x-www-form-urlencoded",
                              "application_name=logged-app&key=the-key-name&value=VALUE-MARKER"))),
            0);
  From(Request("GET", "/platform_api/GetApplications?account_name=dev&api_key=legacy-secret",
               std::nullopt));
  ASSERT_EQ(lines.size(), 3U);
  EXPECT_EQ(lines[1].substr(0, lines[1].find(" latency_us=")),
            "method=SetKeyValueItem status=200 code=0");
  EXPECT_NE(lines[1].find(" account=" + std::to_string(dev_id_) + " key=owner-key application=" +
                          std::to_string(app_id) + " client=192.0.2.7"),
            std::string::npos)
      << lines[1];
  EXPECT_NE(lines[2].find(" key=- application=- "), std::string::npos) << lines[2];
  for (const std::string& line : lines) {
    for (const std::string& secret : std::vector<std::string>{
             "VALUE-MARKER", "the-key-name", "logged-app", "legacy-secret", token.substr(7, 40)}) {
      EXPECT_EQ(line.find(secret), std::string::npos) << secret << " in: " << line;
    }
  }
}

TEST(AccessLogTest, JsonLinesAreAnObjectsMembers) {
  CallRecord record{.method = "GetSecretValue",
                    .status = 200,
                    .error_code = 496,
                    .account_id = 7,
                    .key_id = "k-1",
                    .application_id = 12,
                    .client = "::1"};
  const AccessLog log(AccessLogFormat::kJson, [](const std::string&) {});
  const std::string members = log.Line(record, std::chrono::microseconds(1234));
  const auto line = boost::json::parse("{" + members + "}").as_object();
  EXPECT_EQ(line.at("method"), "GetSecretValue");
  EXPECT_EQ(line.at("status"), 200);
  EXPECT_EQ(line.at("code"), 496);
  EXPECT_EQ(line.at("latency_us"), 1234);
  EXPECT_EQ(line.at("account_id"), 7);
  EXPECT_EQ(line.at("key_id"), "k-1");
  EXPECT_EQ(line.at("application_id"), 12);
  EXPECT_EQ(line.at("client"), "::1");
  record.application_id.reset();
  record.method = {};
  const auto unresolved =
      boost::json::parse("{" + log.Line(record, std::chrono::nanoseconds(0)) + "}").as_object();
  EXPECT_TRUE(unresolved.at("application_id").is_null());
  EXPECT_EQ(unresolved.at("method"), "unknown");
}

TEST(AccessLogTest, AWriterThatThrowsLosesTheLineNotTheRequest) {
  AccessLog log(AccessLogFormat::kText,
                [](const std::string&) { throw std::runtime_error("disk full"); });
  EXPECT_NO_THROW(log.Observe(CallRecord{}, std::chrono::nanoseconds(1)));
}

}  // namespace
}  // namespace coffer::api
