#include "api/request_decoding.hpp"

#include <gtest/gtest.h>

#include <string>

#include "api/errors.hpp"

namespace coffer::api {
namespace {

common::HttpRequest Request(std::string target, std::string content_type = "",
                            std::string body = "") {
  common::HttpRequest request;
  request.method = body.empty() ? "GET" : "POST";
  request.target = std::move(target);
  request.content_type = std::move(content_type);
  request.body = std::move(body);
  return request;
}

int StatusOf(const common::HttpRequest& request, std::size_t max_params = 256) {
  try {
    DecodeRequest(request, max_params);
    return 0;
  } catch (const BadRequest& e) {
    return e.http_status();
  }
}

TEST(DecodeRequestTest, SplitsPathAndQuery) {
  const auto decoded =
      DecodeRequest(Request("/platform_api/GetSecrets/?application_id=7&secret_id=1;2"), 256);
  EXPECT_EQ(decoded.path, "/platform_api/GetSecrets/");
  EXPECT_EQ(*decoded.params.Find("application_id"), "7");
  EXPECT_EQ(*decoded.params.Find("secret_id"), "1;2");
}

TEST(DecodeRequestTest, NoQueryOrAnEmptyOne) {
  EXPECT_EQ(DecodeRequest(Request("/platform_api"), 256).params.size(), 0u);
  const auto decoded = DecodeRequest(Request("/platform_api?"), 256);
  EXPECT_EQ(decoded.path, "/platform_api");
  EXPECT_EQ(decoded.params.size(), 0u);
}

TEST(DecodeRequestTest, UrlEncodedBodyOverridesTheQuery) {
  const auto decoded = DecodeRequest(
      Request("/platform_api?cmd=FromQuery&q=1", "Application/X-WWW-Form-Urlencoded; charset=UTF-8",
              "cmd=FromBody&value=%2B1+2"),
      256);
  EXPECT_EQ(*decoded.params.Find("cmd"), "FromBody");
  EXPECT_EQ(*decoded.params.Find("q"), "1");
  EXPECT_EQ(*decoded.params.Find("value"), "+1 2");
}

TEST(DecodeRequestTest, MultipartBody) {
  const std::string body =
      "--XyZ\r\nContent-Disposition: form-data; name=\"cmd\"\r\n\r\nGetApplications\r\n--XyZ--\r\n";
  const auto decoded =
      DecodeRequest(Request("/platform_api", "multipart/form-data; boundary=XyZ", body), 256);
  EXPECT_EQ(*decoded.params.Find("cmd"), "GetApplications");
  const auto quoted =
      DecodeRequest(Request("/platform_api", "Multipart/Form-Data; boundary=\"XyZ\"", body), 256);
  EXPECT_EQ(*quoted.params.Find("cmd"), "GetApplications");
}

TEST(DecodeRequestTest, JsonBody) {
  const auto decoded = DecodeRequest(
      Request("/platform_api/AddSecret?application_id=1", "application/json; charset=utf-8",
              R"({"secret_name":"n","application_id":2})"),
      256);
  EXPECT_EQ(*decoded.params.Find("secret_name"), "n");
  EXPECT_EQ(*decoded.params.Find("application_id"), "2");
  // The documentation's samples: parameters in the query, `{}` as the body.
  const auto samples = DecodeRequest(
      Request("/platform_api/GetApplications?count=5", "application/json", "{}"), 256);
  EXPECT_EQ(*samples.params.Find("count"), "5");
}

TEST(DecodeRequestTest, OtherOrMissingContentTypeIgnoresTheBody) {
  EXPECT_EQ(DecodeRequest(Request("/platform_api", "", "cmd=X"), 256).params.size(), 0u);
  EXPECT_EQ(DecodeRequest(Request("/platform_api", "text/plain", "cmd=X"), 256).params.size(), 0u);
  EXPECT_EQ(DecodeRequest(Request("/platform_api", "application/octet-stream", "{[%%"), 256)
                .params.size(),
            0u);
}

TEST(DecodeRequestTest, UndecodableInputIs400) {
  EXPECT_EQ(StatusOf(Request("/platform_api?a=%zz")), 400);
  EXPECT_EQ(StatusOf(Request("/platform_api", "application/x-www-form-urlencoded", "a=%")), 400);
  EXPECT_EQ(StatusOf(Request("/platform_api", "application/json", "[1]")), 400);
  EXPECT_EQ(StatusOf(Request("/platform_api", "application/json", "{\"a\":{}}")), 400);
  EXPECT_EQ(StatusOf(Request("/platform_api", "multipart/form-data", "--x--")),
            400);  // no boundary
  EXPECT_EQ(StatusOf(Request("/platform_api", "multipart/form-data; boundary=x", "junk")), 400);
  EXPECT_EQ(StatusOf(Request("/platform_api", "multipart/form-data; boundary=\"x", "--x--")), 400);
}

TEST(DecodeRequestTest, ParameterLimitCountsQueryAndBodyTogether) {
  EXPECT_EQ(StatusOf(Request("/platform_api?a=1&b=2&c=3"), 3), 0);
  EXPECT_EQ(StatusOf(Request("/platform_api?a=1&b=2&c=3&d=4"), 3), 413);
  EXPECT_EQ(
      StatusOf(Request("/platform_api?a=1&b=2", "application/x-www-form-urlencoded", "c=3&d=4"), 3),
      413);
  EXPECT_EQ(StatusOf(Request("/platform_api?a=1", "application/json", R"({"b":1,"c":2,"d":3})"), 3),
            413);
}

}  // namespace
}  // namespace coffer::api
