#include "api/router.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <string>
#include <thread>

#include "api/key_value_methods.hpp"
#include "common/api_error.hpp"
#include "domain/roles.hpp"
#include "router_fixture.hpp"
#include "service/key_value.hpp"

namespace coffer::api {
namespace {

constexpr const char* kCmdMissingBody =
    R"({"error":{"msg":"'cmd' parameter is missed.","code":102},)"
    R"("errors":[{"msg":"'cmd' parameter is missed.","code":102}]})";

TEST_F(RouterTest, OtherHttpMethodsAre405WithAllow) {
  for (const char* method : {"PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"}) {
    const auto response = Send(method, "/platform_api/GetApplications", BearerFor("owner-key"));
    EXPECT_EQ(response.status, 405) << method;
    EXPECT_EQ(Header(response, "Allow"), "GET, POST") << method;
    EXPECT_EQ(Code(response), 101) << method;
  }
  EXPECT_EQ(Send("PUT", "/healthz", std::nullopt).status, 405);
}

TEST_F(RouterTest, PathsOutsideTheApiAre404With103) {
  for (const char* target :
       {"/", "/other", "/platform_apix", "/platform_api/a/b", "/platform_api/GetApplications/x",
        "/platform_api//", "/platform_api/GetApplications//", "/PLATFORM_API/GetApplications",
        "/other?cmd=GetApplications", "/platform_api/a/b?cmd=GetApplications"}) {
    const auto response = Get(target);
    EXPECT_EQ(response.status, 404) << target;
    EXPECT_EQ(Code(response), 103) << target;
  }
}

TEST_F(RouterTest, NoMethodIs102EvenWithoutCredentials) {
  for (const char* target :
       {"/platform_api", "/platform_api/", "/platform_api?cmd=", "/platform_api/?other=1"}) {
    const auto response = Send("GET", target, std::nullopt);
    EXPECT_EQ(response.status, 200) << target;
    EXPECT_EQ(response.body, kCmdMissingBody) << target;
  }
  const auto posted =
      Send("POST", "/platform_api", std::nullopt, "application/x-www-form-urlencoded", "cmd=");
  EXPECT_EQ(posted.body, kCmdMissingBody);
}

TEST_F(RouterTest, UnknownMethodIs103BeforeAuthentication) {
  for (const char* target : {"/platform_api/NoSuchMethod", "/platform_api/getapplications",
                             "/platform_api/GETAPPLICATIONS/", "/platform_api?cmd=NoSuchMethod",
                             "/platform_api?cmd=getApplications"}) {
    const auto response = Send("GET", target, std::nullopt);
    EXPECT_EQ(response.status, 200) << target;
    EXPECT_EQ(Code(response), 103) << target;
    EXPECT_EQ(Msg(response), "Unknown command.");
  }
}

TEST_F(RouterTest, PathWinsOverCmd) {
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?cmd=NoSuchMethod")), 0);
  EXPECT_EQ(Code(Get("/platform_api/NoSuchMethod?cmd=GetApplications")), 103);
}

TEST_F(RouterTest, EveryWayOfNamingTheMethod) {
  EXPECT_EQ(Code(Get("/platform_api/GetApplications")), 0);
  EXPECT_EQ(Code(Get("/platform_api/GetApplications/")), 0);
  EXPECT_EQ(Code(Get("/platform_api?cmd=GetApplications")), 0);
  EXPECT_EQ(Code(Get("/platform_api/?cmd=GetApplications")), 0);
  EXPECT_EQ(Code(Post("/platform_api", "cmd=GetApplications")), 0);
  EXPECT_EQ(Code(Send("POST", "/platform_api", BearerFor("owner-key"), "application/json",
                      R"({"cmd":"GetApplications"})")),
            0);
  const std::string multipart =
      "--b0undary\r\nContent-Disposition: form-data; name=\"cmd\"\r\n\r\nGetApplications\r\n"
      "--b0undary--\r\n";
  EXPECT_EQ(Code(Send("POST", "/platform_api", BearerFor("owner-key"),
                      "multipart/form-data; boundary=b0undary", multipart)),
            0);
}

TEST_F(RouterTest, UndecodableRequestsAre400With101BeforeAnythingElse) {
  const auto cases = {
      Send("POST", "/platform_api/GetApplications", BearerFor("owner-key"), "application/json",
           "[1]"),
      Send("POST", "/platform_api/GetApplications", BearerFor("owner-key"), "application/json",
           "{\"a\":"),
      Send("GET", "/platform_api/GetApplications?a=%zz", BearerFor("owner-key")),
      Send("GET", "/platform_api?a=%", std::nullopt),  // before 102
      Send("POST", "/platform_api/NoSuchMethod", std::nullopt, "multipart/form-data", "x"),
  };
  for (const auto& response : cases) {
    EXPECT_EQ(response.status, 400) << response.body;
    EXPECT_EQ(Code(response), 101);
  }
}

TEST_F(RouterTest, TooManyParametersIs413With101) {
  UseOptions(RouterOptions{.max_params = 4});
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?a=1&b=2&c=3&d=4")), 0);
  const auto response = Get("/platform_api/GetApplications?a=1&b=2&c=3&d=4&e=5");
  EXPECT_EQ(response.status, 413);
  EXPECT_EQ(Code(response), 101);
  const auto split = Post("/platform_api/GetApplications?a=1&b=2", "c=3&d=4&e=5");
  EXPECT_EQ(split.status, 413);
}

// Registers `name`: counts the caller's applications, creates one, counts again, and answers
// both counts, so a test can tell whether its reads shared one snapshot.
void AddCountTwiceMethod(MethodTable& methods, store::Store& store, std::string name,
                         bool point_read) {
  methods.Add(
      std::move(name),
      {domain::DataManagementRoles(),
       [&store](const MethodCall& call) {
         auto& applications = store.applications();
         const auto before = applications.List(call.principal.account_id).size();
         const auto app_name = "made" + std::to_string(before);
         EXPECT_TRUE(applications.Create(call.principal.account_id, app_name, false, 1, 0).ok());
         const auto after = applications.List(call.principal.account_id).size();
         return boost::json::object{{"result", boost::json::array{before, after}}};
       },
       point_read});
}

// An asynchronous method whose work ends when the test says: it requires `n`, then hands its
// `done` and `n` to the test through `started`.
struct LaterWrite {
  std::function<void(MethodFinish)> done;
  std::string n;
};
void AddWriteLaterMethod(MethodTable& methods, std::promise<LaterWrite>& started) {
  methods.Add("WriteLater",
              {domain::DataManagementRoles(), nullptr, false,
               [&started](const MethodCall& call, std::function<void(MethodFinish)> done) {
                 std::string n = call.params.Required("n");
                 started.set_value(LaterWrite{std::move(done), std::move(n)});
               }});
}

TEST_F(RouterTest, PlaceSaysWhereARequestMayBeAnsweredWhenTheOptionSaysSo) {
  AddCountTwiceMethod(methods_, *store_, "PeekTwice", true);
  AddCountTwiceMethod(methods_, *store_, "CountTwice", false);
  std::promise<LaterWrite> unused;
  AddWriteLaterMethod(methods_, unused);
  const auto place = [&](std::string target) {
    return router_->Place(Request("POST", std::move(target), std::nullopt));
  };
  using common::Placement;
  EXPECT_EQ(place("/platform_api/PeekTwice/"), Placement::kWorker) << "off by default";
  EXPECT_EQ(place("/platform_api/WriteLater"), Placement::kWorker) << "off by default";
  UseOptions(RouterOptions{.answer_on_network_threads = true});
  EXPECT_EQ(place("/platform_api/PeekTwice/"), Placement::kInline);
  EXPECT_EQ(place("/platform_api/PeekTwice?x=1"), Placement::kInline);
  EXPECT_EQ(place("/platform_api/WriteLater"), Placement::kStart);
  EXPECT_EQ(place("/platform_api/WriteLater/?n=1"), Placement::kStart);
  EXPECT_EQ(place("/platform_api/CountTwice/"), Placement::kWorker);
  EXPECT_EQ(place("/platform_api/AddApplication"), Placement::kWorker);
  EXPECT_EQ(place("/platform_api/NoSuchMethod"), Placement::kWorker);
  EXPECT_EQ(place("/platform_api/?cmd=PeekTwice"), Placement::kWorker)
      << "a cmd parameter is only known once the request is decoded";
  EXPECT_EQ(place("/platform_api/?cmd=WriteLater"), Placement::kWorker);
  EXPECT_EQ(place("/healthz"), Placement::kWorker);
}

// What Router::Start answered: the thread it answered on and the answer built from it.
struct Answered {
  std::thread::id thread;
  common::HttpResponse response;
};

common::Respond RespondInto(std::promise<Answered>& answered) {
  return [&answered](common::AnswerMaker make) {
    answered.set_value(Answered{std::this_thread::get_id(), make()});
  };
}

TEST_F(RouterTest, StartAnswersAnAsynchronousMethodFromTheThreadThatEndsIt) {
  std::promise<LaterWrite> started;
  AddWriteLaterMethod(methods_, started);
  std::promise<Answered> answered;
  router_->Start(Request("GET", "/platform_api/WriteLater?n=7", BearerFor("owner-key")),
                 RespondInto(answered));
  auto answer = answered.get_future();
  ASSERT_EQ(answer.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
      << "no answer before the work ends";
  LaterWrite later = started.get_future().get();
  EXPECT_EQ(later.n, "7");
  std::thread::id finisher;
  std::thread([&] {
    finisher = std::this_thread::get_id();
    later.done([n = later.n] { return boost::json::object{{"result", n}}; });
  }).join();
  const Answered got = answer.get();
  EXPECT_EQ(got.thread, finisher);
  EXPECT_EQ(got.response.status, 200);
  EXPECT_EQ(Body(got.response).at("result"), "7");
}

TEST_F(RouterTest, StartAnswersAtOnceWhatFailsBeforeTheWorkStarts) {
  std::promise<LaterWrite> started;
  AddWriteLaterMethod(methods_, started);
  const auto start_now = [&](common::HttpRequest request) {
    std::promise<Answered> answered;
    router_->Start(std::move(request), RespondInto(answered));
    auto answer = answered.get_future();
    EXPECT_EQ(answer.wait_for(std::chrono::milliseconds(0)), std::future_status::ready);
    const Answered got = answer.get();
    EXPECT_EQ(got.thread, std::this_thread::get_id());
    return got.response;
  };
  EXPECT_EQ(Code(start_now(Request("GET", "/platform_api/WriteLater?n=1", std::nullopt))), 100);
  EXPECT_EQ(Code(start_now(Request("GET", "/platform_api/WriteLater", BearerFor("owner-key")))),
            485);
  EXPECT_EQ(
      Code(start_now(Request("GET", "/platform_api/WriteLater?n=1", BearerFor("support-key")))),
      104);
  EXPECT_EQ(Code(start_now(Request("GET", "/platform_api/NoSuch", BearerFor("owner-key")))), 103);
  EXPECT_EQ(
      Code(start_now(Request("GET", "/platform_api/GetApplications", BearerFor("owner-key")))), 0)
      << "a method that is not asynchronous answers before Start returns";
  EXPECT_EQ(start_now(Request("PUT", "/platform_api/WriteLater", std::nullopt)).status, 405);
}

TEST_F(RouterTest, AnAsynchronousMethodsLateFailureGetsTheSameAnswerAsAnEarlyOne) {
  std::promise<LaterWrite> started;
  AddWriteLaterMethod(methods_, started);
  std::promise<Answered> gone;
  router_->Start(Request("GET", "/platform_api/WriteLater?n=1", BearerFor("owner-key")),
                 RespondInto(gone));
  started.get_future().get().done([]() -> boost::json::object {
    throw common::ApiError(common::ErrorCode::kApplicationNotFound);
  });
  EXPECT_EQ(Code(gone.get_future().get().response), 558);

  started = {};
  std::promise<Answered> unavailable;
  router_->Start(Request("GET", "/platform_api/WriteLater?n=1", BearerFor("owner-key")),
                 RespondInto(unavailable));
  started.get_future().get().done(
      []() -> boost::json::object { throw store::StoreUnavailable("disk gone"); });
  const auto response = unavailable.get_future().get().response;
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(Header(response, "Retry-After"), "1");
}

TEST_F(RouterTest, HandleWaitsForAnAsynchronousMethodToEnd) {
  std::promise<LaterWrite> started;
  AddWriteLaterMethod(methods_, started);
  std::thread finisher([&] {
    LaterWrite later = started.get_future().get();
    later.done([n = later.n] { return boost::json::object{{"result", n}}; });
  });
  const auto response = Get("/platform_api/WriteLater?n=42");
  finisher.join();
  EXPECT_EQ(Code(response), 0);
  EXPECT_EQ(Body(response).at("result"), "42");
}

TEST_F(RouterTest, KeyValueWritesAreAnsweredByTheStoresWriterOnceDurable) {
  service::KeyValue kv(store_->key_value(), clock_);
  RegisterKeyValueMethods(methods_, applications_, kv);
  ASSERT_EQ(Code(Get("/platform_api/AddApplication?application_name=kv")), 0);
  std::promise<Answered> answered;
  router_->Start(
      Request("POST", "/platform_api/SetKeyValueItem", BearerFor("owner-key"),
              "application/x-www-form-urlencoded", "application_name=kv&key=k&value=v&ttl=60"),
      RespondInto(answered));
  const Answered got = answered.get_future().get();
  EXPECT_NE(got.thread, std::this_thread::get_id()) << "the writer thread answers";
  ASSERT_EQ(Code(got.response), 0) << got.response.body;
  const auto result = Body(got.response).at("result");
  EXPECT_EQ(result.at("key"), "k");
  EXPECT_EQ(result.at("value"), "v");
  EXPECT_EQ(result.at("expires_at"), clock_.NowSeconds() + 60);
  EXPECT_EQ(
      Body(Get("/platform_api/GetKeyValueItem?application_name=kv&key=k")).at("result").at("value"),
      "v")
      << "durable and visible once answered";

  std::promise<Answered> deleted;
  router_->Start(Request("GET", "/platform_api/DelKeyValueItem?application_name=kv&key=k",
                         BearerFor("owner-key")),
                 RespondInto(deleted));
  const Answered got_deleted = deleted.get_future().get();
  EXPECT_NE(got_deleted.thread, std::this_thread::get_id());
  EXPECT_EQ(Body(got_deleted.response).at("result"), 1);
  EXPECT_EQ(Code(Get("/platform_api/GetKeyValueItem?application_name=kv&key=k")), 496);
}

TEST_F(RouterTest, WhatAnotherProcessChangedIsNeverAnsweredFromTheLookupCache) {
  // SPEC 13: an operator command's change (here another store on the same file) applies to the
  // server's next request, even one whose key and application the server has just cached.
  service::KeyValue kv(store_->key_value(), clock_);
  RegisterKeyValueMethods(methods_, applications_, kv);
  ASSERT_EQ(Code(Get("/platform_api/AddApplication?application_name=kv")), 0);
  ASSERT_EQ(Code(Get("/platform_api/SetKeyValueItem?application_name=kv&key=k&value=v")), 0);
  const auto operator_store = store::Open({.sqlite_path = dir_.File("coffer.db")});
  for (const char* kid : {"owner2-key", "owner3-key"}) {
    store::ServiceKey key = Key(kid, {"Owner"});
    key.account_id = dev_id_;
    ASSERT_EQ(store_->accounts().AddKey(key), store::Outcome::kOk);
  }
  const auto warm = [&](const std::string& kid) {
    for (int i = 0; i < 2; ++i) {
      ASSERT_EQ(Code(Get("/platform_api/GetKeyValueItem?application_name=kv&key=k", kid)), 0);
    }
  };

  // A point read first, then the cmd= form of a write (answered here, synchronously).
  warm("owner2-key");
  ASSERT_EQ(operator_store->accounts().DeleteKey("owner2-key"), store::Outcome::kOk);
  EXPECT_EQ(Code(Get("/platform_api/GetKeyValueItem?application_name=kv&key=k", "owner2-key")),
            100);
  warm("owner3-key");
  ASSERT_EQ(operator_store->accounts().DeleteKey("owner3-key"), store::Outcome::kOk);
  EXPECT_EQ(Code(Get("/platform_api/?cmd=SetKeyValueItem&application_name=kv&key=k&value=late",
                     "owner3-key")),
            100);
  EXPECT_EQ(
      Body(Get("/platform_api/GetKeyValueItem?application_name=kv&key=k")).at("result").at("value"),
      "v")
      << "nothing written";

  // An asynchronous write (answered by the writer thread) whose key another process deleted.
  const auto start = [&](const std::string& target, const std::string& kid) {
    std::promise<Answered> answered;
    router_->Start(Request("GET", target, BearerFor(kid)), RespondInto(answered));
    return answered.get_future().get().response;
  };
  store::ServiceKey key = Key("owner4-key", {"Owner"});
  key.account_id = dev_id_;
  ASSERT_EQ(store_->accounts().AddKey(key), store::Outcome::kOk);
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Code(start("/platform_api/SetKeyValueItem?application_name=kv&key=k&value=v",
                         "owner4-key")),
              0);
  }
  ASSERT_EQ(operator_store->accounts().DeleteKey("owner4-key"), store::Outcome::kOk);
  EXPECT_EQ(Code(start("/platform_api/SetKeyValueItem?application_name=kv&key=k&value=late",
                       "owner4-key")),
            100);
  EXPECT_EQ(Code(start("/platform_api/DelKeyValueItem?application_name=kv&key=k", "owner4-key")),
            100);
  EXPECT_EQ(
      Body(Get("/platform_api/GetKeyValueItem?application_name=kv&key=k")).at("result").at("value"),
      "v")
      << "nothing written";

  // An application renamed by another process: its old name is 558 at once.
  warm("owner-key");
  store::ApplicationChanges rename;
  rename.short_name = "renamed";
  rename.modified = 1;
  const int64_t app_id = operator_store->applications().FindByShortName(dev_id_, "kv")->id;
  ASSERT_TRUE(operator_store->applications().Update(dev_id_, app_id, rename).ok());
  EXPECT_EQ(Code(start("/platform_api/SetKeyValueItem?application_name=kv&key=k&value=late",
                       "owner-key")),
            558);
  EXPECT_EQ(Code(Get("/platform_api/?cmd=SetKeyValueItem&application_name=kv&key=k&value=late")),
            558);
  EXPECT_EQ(Code(Get("/platform_api/GetKeyValueItem?application_name=kv&key=k")), 558);
  EXPECT_EQ(Body(Get("/platform_api/GetKeyValueItem?application_name=renamed&key=k"))
                .at("result")
                .at("value"),
            "v");
}

TEST_F(RouterTest, APointReadSeesOneSnapshotOtherMethodsSeeTheLatestState) {
  AddCountTwiceMethod(methods_, *store_, "PeekTwice", true);
  AddCountTwiceMethod(methods_, *store_, "CountTwice", false);
  const auto counts = [](const common::HttpResponse& response) {
    const boost::json::object body = Body(response);
    const auto& result = body.at("result").as_array();
    return std::make_pair(result.at(0).to_number<int>(), result.at(1).to_number<int>());
  };
  EXPECT_EQ(counts(Get("/platform_api/CountTwice")), std::make_pair(0, 1));
  EXPECT_EQ(counts(Get("/platform_api/PeekTwice")), std::make_pair(1, 1))
      << "its reads share the snapshot taken before its own write";
  EXPECT_EQ(counts(Get("/platform_api/CountTwice")), std::make_pair(2, 3));
}

TEST_F(RouterTest, RefusalCarriesTheStatusAndCode101) {
  for (int status : {400, 413, 414, 431}) {
    const auto response = Router::Refusal(status);
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(Code(response), 101);
    EXPECT_EQ(Msg(response), "Invalid arguments.");
    EXPECT_EQ(Header(response, "Cache-Control"), "no-store");
  }
}

TEST_F(RouterTest, AuthenticationFailures) {
  EXPECT_EQ(Code(Send("GET", "/platform_api/GetApplications", std::nullopt)), 100);
  EXPECT_EQ(Code(Send("GET", "/platform_api/GetApplications", "Bearer not.a.token")), 447);
  EXPECT_EQ(Code(Send("GET", "/platform_api/GetApplications", "Basic Zm9vOmJhcg==")), 100);
  const std::string token = BearerFor("owner-key");
  clock_.Advance(64);
  const auto expired = Send("GET", "/platform_api/GetApplications", token);
  EXPECT_EQ(expired.status, 200);
  EXPECT_EQ(Code(expired), 456);
}

TEST_F(RouterTest, RolesAreCheckedBeforeParameters) {
  // AddApplication without application_name: 104 for keys lacking a role, 485 otherwise.
  EXPECT_EQ(Code(Get("/platform_api/AddApplication", "noroles-key")), 104);
  EXPECT_EQ(Code(Get("/platform_api/AddApplication", "support-key")), 104);
  EXPECT_EQ(Msg(Get("/platform_api/AddApplication", "support-key")), "Forbidden command.");
  EXPECT_EQ(Code(Get("/platform_api/AddApplication", "developer-key")), 485);
  EXPECT_EQ(Code(Get("/platform_api/AddApplication", "owner-key")), 485);
  EXPECT_EQ(Code(Get("/platform_api/DelApplication?application_id=x;;", "noroles-key")), 104);
  EXPECT_EQ(Code(Get("/platform_api/GetApplications?count=0", "noroles-key")), 104);
}

TEST_F(RouterTest, LegacyCredentialsFromQueryOrBody) {
  const std::string id = std::to_string(dev_id_);
  EXPECT_EQ(
      Code(Send("GET", "/platform_api/GetApplications?account_id=" + id + "&api_key=legacy-secret",
                std::nullopt)),
      0);
  EXPECT_EQ(
      Code(Send("POST", "/platform_api/GetApplications", std::nullopt,
                "application/x-www-form-urlencoded", "account_name=dev&api_key=legacy-secret")),
      0);
  EXPECT_EQ(Code(Send("GET",
                      "/platform_api/GetApplications?account_email=dev%40localhost&"
                      "api_key=legacy-secret",
                      std::nullopt)),
            0);
  EXPECT_EQ(Code(Send("GET", "/platform_api/GetApplications?account_id=" + id + "&api_key=nope",
                      std::nullopt)),
            100);
  EXPECT_EQ(Code(Send("GET", "/platform_api/GetApplications?account_id=" + id + "&api_key=",
                      std::nullopt)),
            100);
  // A legacy principal has full permissions: AddApplication reaches its own checks.
  EXPECT_EQ(
      Code(Send("GET", "/platform_api/AddApplication?account_id=" + id + "&api_key=legacy-secret",
                std::nullopt)),
      485);
}

TEST_F(RouterTest, AuthorizationHeaderOverridesLegacyParameters) {
  const std::string legacy = "account_id=" + std::to_string(dev_id_) + "&api_key=legacy-secret";
  EXPECT_EQ(Code(Send("GET", "/platform_api/GetApplications?" + legacy, "Basic x")), 100);
  EXPECT_EQ(Code(Send("GET", "/platform_api/GetApplications?" + legacy, BearerFor("noroles-key"))),
            104);
}

TEST_F(RouterTest, InvalidUtf8ParameterIs496NamingIt) {
  const auto response = Get("/platform_api/AddApplication?application_name=caf%E9");
  EXPECT_EQ(Code(response), 496);
  EXPECT_EQ(Msg(response), "The 'application_name' parameter is invalid.");
}

TEST_F(RouterTest, Healthz) {
  for (const char* method : {"GET", "POST"}) {
    const auto response = Send(method, "/healthz", std::nullopt);
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(boost::json::parse(response.body), boost::json::parse(R"({"status":"ok"})"));
    EXPECT_EQ(Header(response, "Cache-Control"), "no-store");
  }
  EXPECT_EQ(Send("GET", "/healthz?verbose=1", std::nullopt).status, 200);
}

// Methods that fail as storage does: one unreachable (a database outage), one broken.
class FailingStorageRouterTest : public RouterTest {
 protected:
  FailingStorageRouterTest() {
    static constexpr std::string_view kOwner[] = {"Owner"};
    methods_.Add("Unreachable", {kOwner, [](const MethodCall&) -> boost::json::object {
                                   throw store::StoreUnavailable("connection refused");
                                 }});
    methods_.Add("Broken", {kOwner, [](const MethodCall&) -> boost::json::object {
                              throw store::StoreError("disk I/O error");
                            }});
  }
};

TEST_F(FailingStorageRouterTest, AnUnreachableStoreIs503RetryAfterWithCode1) {
  for (int attempt = 0; attempt < 3; ++attempt) {  // every request, not only the first logged
    const auto response = Get("/platform_api/Unreachable");
    EXPECT_EQ(response.status, 503);
    EXPECT_EQ(Header(response, "Retry-After"), "1");
    EXPECT_EQ(response.body, R"({"error":{"msg":"Service temporarily unavailable.","code":1},)"
                             R"("errors":[{"msg":"Service temporarily unavailable.","code":1}]})");
    EXPECT_EQ(Header(response, "Cache-Control"), "no-store");
  }
}

TEST_F(FailingStorageRouterTest, AFailingStoreIsCode4WithoutRetryAfter) {
  const auto response = Get("/platform_api/Broken");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(Code(response), 4);
  EXPECT_EQ(Msg(response), "DB error.");
  EXPECT_EQ(Header(response, "Retry-After"), std::nullopt);
}

TEST_F(RouterTest, EveryAnswerIsUncachedJson) {
  const auto answers = {
      Get("/platform_api/GetApplications"),
      Get("/platform_api/NoSuchMethod"),
      Send("GET", "/platform_api", std::nullopt),
      Get("/elsewhere"),
      Send("PUT", "/platform_api", std::nullopt),
      Send("POST", "/platform_api/GetApplications", std::nullopt, "application/json", "[]"),
  };
  for (const auto& response : answers) {
    EXPECT_EQ(response.content_type, "application/json; charset=utf-8") << response.body;
    EXPECT_EQ(Header(response, "Cache-Control"), "no-store") << response.body;
    EXPECT_NO_THROW(boost::json::parse(response.body)) << response.body;
  }
}

TEST_F(RouterTest, ApiErrorsAreHttp200AndSuccessHasNoErrorsMember) {
  const auto error = Get("/platform_api/AddApplication");
  EXPECT_EQ(error.status, 200);
  EXPECT_TRUE(Body(error).contains("errors"));
  const auto success = Get("/platform_api/GetApplications");
  EXPECT_EQ(success.status, 200);
  EXPECT_FALSE(Body(success).contains("errors"));
  EXPECT_FALSE(Body(success).contains("error"));
}

}  // namespace
}  // namespace coffer::api
