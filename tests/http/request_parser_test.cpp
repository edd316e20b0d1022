// Request framing checks and the absolute-form target.

#include "http/request_parser.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace coffer::http {
namespace {

namespace bhttp = boost::beast::http;

TEST(FramingRefusalTest, OneHostIsRequiredInHttp11) {
  EXPECT_EQ(FramingRefusal(11, 1, std::nullopt), std::nullopt);
  EXPECT_EQ(FramingRefusal(11, 0, std::nullopt), 400);
  EXPECT_EQ(FramingRefusal(11, 2, std::nullopt), 400);
  EXPECT_EQ(FramingRefusal(10, 0, std::nullopt), std::nullopt)
      << "HTTP/1.0 has no Host requirement";
}

TEST(FramingRefusalTest, TransferEncodingMustEndInOneChunked) {
  const auto with = [](std::string coding) { return FramingRefusal(11, 1, coding); };
  EXPECT_EQ(with("chunked"), std::nullopt);
  EXPECT_EQ(with("Chunked"), std::nullopt);
  for (const char* ambiguous : {"", "xchunked", "gzip", "identity", "chunked, identity",
                                "chunked, chunked", "chunked,", "chunked,chunked"}) {
    EXPECT_EQ(with(ambiguous), 400) << ambiguous;
  }
  EXPECT_EQ(with("gzip, chunked"), 501);
  EXPECT_EQ(with(" gzip ,chunked "), 501);
}

// Feeds `text` to a fresh parser in pieces of `step` bytes, as reads would deliver it.
struct Parsed {
  boost::beast::error_code error;
  std::unique_ptr<RequestParser> parser = std::make_unique<RequestParser>();
};
Parsed Parse(std::string_view text, std::size_t step = std::string_view::npos,
             std::uint64_t body_limit = 1 << 20) {
  Parsed parsed;
  parsed.parser->body_limit(body_limit);
  parsed.parser->header_limit(4096);
  std::string pending;
  for (std::size_t at = 0; at < text.size() && !parsed.parser->is_done();) {
    const std::size_t take = std::min(step, text.size() - at);
    pending.append(text.substr(at, take));
    at += take;
    while (!pending.empty() && !parsed.parser->is_done()) {
      boost::beast::error_code ec;
      const std::size_t used =
          parsed.parser->put(boost::asio::buffer(pending.data(), pending.size()), ec);
      pending.erase(0, used);
      if (ec == bhttp::error::need_more) break;
      if (ec) {
        parsed.error = ec;
        return parsed;
      }
      if (used == 0) break;
    }
  }
  return parsed;
}

TEST(RequestParserTest, KeepsWhatTheServerReadsFromTheHeader) {
  const auto parsed = Parse(
      "POST /platform_api/GetSecrets?x=1 HTTP/1.1\r\n"
      "Host: a\r\nX-Other: dropped\r\nContent-Type: text/plain\r\n"
      "Content-Type: application/json\r\nAuthorization: Bearer one\r\n"
      "Authorization: Bearer two\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_FALSE(parsed.error) << parsed.error.message();
  const RequestParser& p = *parsed.parser;
  ASSERT_TRUE(p.is_done());
  EXPECT_EQ(p.method(), bhttp::verb::post);
  EXPECT_EQ(p.method_string(), "POST");
  EXPECT_EQ(p.target(), "/platform_api/GetSecrets?x=1");
  EXPECT_EQ(p.version(), 11U);
  EXPECT_EQ(p.content_type(), "text/plain") << "the first of a repeated field";
  ASSERT_TRUE(p.authorization().has_value());
  EXPECT_EQ(std::string_view(*p.authorization()), "Bearer one");
  EXPECT_EQ(p.host_fields(), 1U);
  EXPECT_FALSE(p.transfer_encoding().has_value());
  EXPECT_FALSE(p.expects_continue());
  EXPECT_TRUE(p.keep_alive());
  EXPECT_EQ(std::string_view(p.body()), "abc");
  EXPECT_EQ(FramingRefusal(p), std::nullopt);
}

TEST(RequestParserTest, TheFirstContentTypeAndExpectCountEvenWhenEmpty) {
  const auto parsed = Parse(
      "POST / HTTP/1.1\r\nHost: a\r\nContent-Type:\r\nContent-Type: application/json\r\n"
      "Expect: nothing\r\nExpect: 100-continue\r\nContent-Length: 0\r\n\r\n");
  ASSERT_FALSE(parsed.error) << parsed.error.message();
  EXPECT_EQ(parsed.parser->content_type(), "");
  EXPECT_FALSE(parsed.parser->expects_continue());
}

TEST(RequestParserTest, AbsentFieldsReadAsAbsent) {
  const auto parsed = Parse("GET /healthz HTTP/1.0\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_FALSE(parsed.error) << parsed.error.message();
  const RequestParser& p = *parsed.parser;
  EXPECT_EQ(p.version(), 10U);
  EXPECT_EQ(p.content_type(), "");
  EXPECT_FALSE(p.authorization().has_value());
  EXPECT_EQ(p.host_fields(), 0U);
  EXPECT_TRUE(p.expects_continue());
  EXPECT_FALSE(p.keep_alive()) << "HTTP/1.0 without keep-alive";
  EXPECT_TRUE(p.body().empty());
}

TEST(RequestParserTest, ChunkedBodyInAnySplitAndTrailersAreNotActedOn) {
  const std::string text =
      "POST /platform_api/SetKeyValueItem HTTP/1.1\r\nHost: a\r\n"
      "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
      "4\r\nkey=\r\n5;ext=1\r\nvalue\r\n0\r\nAuthorization: Bearer trailer\r\n"
      "Host: b\r\n\r\n";
  for (std::size_t step : {std::size_t{1}, std::size_t{2}, std::size_t{7}, text.size()}) {
    const auto parsed = Parse(text, step);
    ASSERT_FALSE(parsed.error) << step << ": " << parsed.error.message();
    const RequestParser& p = *parsed.parser;
    ASSERT_TRUE(p.is_done()) << step;
    EXPECT_EQ(std::string_view(p.body()), "key=value") << step;
    EXPECT_EQ(p.transfer_encoding(), std::optional<std::string>("chunked")) << step;
    EXPECT_FALSE(p.authorization().has_value()) << "a trailer is no header; step " << step;
    EXPECT_EQ(p.host_fields(), 1U) << step;
    EXPECT_FALSE(p.keep_alive()) << step;
  }
}

TEST(RequestParserTest, RepeatedTransferEncodingsAreJoinedForTheFramingCheck) {
  const auto parsed = Parse(
      "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n"
      "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
  ASSERT_FALSE(parsed.error) << parsed.error.message();
  EXPECT_EQ(parsed.parser->transfer_encoding(), std::optional<std::string>("gzip,chunked"));
  EXPECT_EQ(FramingRefusal(*parsed.parser), 501);
}

TEST(RequestParserTest, LimitsAreBeastsErrors) {
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", 1000, 10).error,
            bhttp::error::body_limit);
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "b\r\nhello world\r\n0\r\n\r\n",
                  1000, 10)
                .error,
            bhttp::error::body_limit);
  EXPECT_EQ(Parse("POST / HTTP/1.1\r\nX: " + std::string(5000, 'a') + "\r\n\r\n").error,
            bhttp::error::header_limit);
  EXPECT_TRUE(Parse("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n").error);
  EXPECT_TRUE(Parse("NOT HTTP\r\n\r\n").error);
}

TEST(OriginFormTest, StripsSchemeAndAuthority) {
  EXPECT_EQ(OriginForm("http://127.0.0.1:8443/platform_api/GetApplications?count=1"),
            "/platform_api/GetApplications?count=1");
  EXPECT_EQ(OriginForm("HTTPS://host/healthz"), "/healthz");
  EXPECT_EQ(OriginForm("http://host"), "/");
  EXPECT_EQ(OriginForm("http://host?x=1"), "/?x=1");
  EXPECT_EQ(OriginForm("/platform_api?x=http://y/"), "/platform_api?x=http://y/");
  EXPECT_EQ(OriginForm("*"), "*");
}

}  // namespace
}  // namespace coffer::http
