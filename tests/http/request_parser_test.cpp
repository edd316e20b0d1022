// Request framing checks and the absolute-form target.

#include "http/request_parser.hpp"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>
#include <utility>

namespace coffer::http {
namespace {

namespace bhttp = boost::beast::http;

RequestHeader Header(std::initializer_list<std::pair<bhttp::field, std::string>> fields,
                               int version = 11) {
  RequestHeader header;
  header.version(version);
  header.method(bhttp::verb::post);
  header.target("/platform_api");
  for (const auto& [name, value] : fields) header.insert(name, value);
  return header;
}

TEST(FramingRefusalTest, OneHostIsRequiredInHttp11) {
  EXPECT_EQ(FramingRefusal(Header({{bhttp::field::host, "x"}})), std::nullopt);
  EXPECT_EQ(FramingRefusal(Header({})), 400);
  EXPECT_EQ(FramingRefusal(Header({{bhttp::field::host, "a"}, {bhttp::field::host, "b"}})), 400);
  EXPECT_EQ(FramingRefusal(Header({}, 10)), std::nullopt) << "HTTP/1.0 has no Host requirement";
}

TEST(FramingRefusalTest, TransferEncodingMustEndInOneChunked) {
  const auto with = [](std::string coding) {
    return FramingRefusal(Header({{bhttp::field::host, "x"}, {bhttp::field::transfer_encoding, coding}}));
  };
  EXPECT_EQ(with("chunked"), std::nullopt);
  EXPECT_EQ(with("Chunked"), std::nullopt);
  for (const char* ambiguous : {"", "xchunked", "gzip", "identity", "chunked, identity",
                                "chunked, chunked", "chunked,"}) {
    EXPECT_EQ(with(ambiguous), 400) << ambiguous;
  }
  EXPECT_EQ(with("gzip, chunked"), 501);
  EXPECT_EQ(with(" gzip ,chunked "), 501);
  EXPECT_EQ(FramingRefusal(Header({{bhttp::field::host, "x"},
                                   {bhttp::field::transfer_encoding, "chunked"},
                                   {bhttp::field::transfer_encoding, "chunked"}})),
            400);
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
