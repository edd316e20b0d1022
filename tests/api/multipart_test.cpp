#include "api/multipart.hpp"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "api/errors.hpp"

namespace coffer::api {
namespace {

constexpr const char* kBoundary = "----formdata-7MA4YWxkTrZu0gW";

// A part: its header lines (without CRLF) and content.
struct Part {
  std::vector<std::string> headers;
  std::string content;
};

Part Field(const std::string& name, const std::string& value) {
  return Part{{"Content-Disposition: form-data; name=\"" + name + "\""}, value};
}

// A well-formed body for `parts`, as the Node client's form-data sends it.
std::string Body(const std::vector<Part>& parts, const std::string& boundary = kBoundary) {
  std::string body;
  for (const auto& part : parts) {
    body += "--" + boundary + "\r\n";
    for (const auto& header : part.headers) body += header + "\r\n";
    body += "\r\n" + part.content + "\r\n";
  }
  return body + "--" + boundary + "--\r\n";
}

Params Decode(const std::string& body, const std::string& boundary = kBoundary) {
  Params params;
  DecodeMultipart(body, boundary, params);
  return params;
}

int StatusOf(const std::string& body, const std::string& boundary = kBoundary) {
  try {
    Decode(body, boundary);
    return 0;
  } catch (const BadRequest& e) {
    return e.http_status();
  }
}

TEST(DecodeMultipartTest, QuotedNames) {
  const Params params = Decode(Body({Field("cmd", "GetSecrets"), Field("application_id", "12")}));
  EXPECT_EQ(params.size(), 2u);
  EXPECT_EQ(*params.Find("cmd"), "GetSecrets");
  EXPECT_EQ(*params.Find("application_id"), "12");
}

TEST(DecodeMultipartTest, BareNamesAndHeaderCase) {
  const Params params = Decode(Body({
      Part{{"Content-Disposition: form-data; name=cmd"}, "AddSecret"},
      Part{{"content-disposition: FORM-DATA; NAME=\"x\""}, "1"},
  }));
  EXPECT_EQ(*params.Find("cmd"), "AddSecret");
  EXPECT_EQ(*params.Find("x"), "1");
}

TEST(DecodeMultipartTest, FilenameChangesNothing) {
  const Params params =
      Decode(Body({Part{{R"(Content-Disposition: form-data; name="secret_value"; filename="v.txt")",
                         "Content-Type: application/octet-stream"},
                        "file content"}}));
  EXPECT_EQ(*params.Find("secret_value"), "file content");
}

TEST(DecodeMultipartTest, Latin1PartsAreTranscoded) {
  const Params params = Decode(Body({
      Part{{"Content-Disposition: form-data; name=\"a\"",
            "Content-Type: text/plain; charset=ISO-8859-1"},
           "caf\xE9"},
      Part{{"Content-Disposition: form-data; name=\"b\"",
            "Content-Type: text/plain; charset=latin1"},
           "\xFC"},
      Part{
          {"Content-Disposition: form-data; name=\"c\"", "Content-Type: text/plain; charset=UTF-8"},
          "caf\xC3\xA9"},
      Part{{"Content-Disposition: form-data; name=\"d\""}, "caf\xE9"},
  }));
  EXPECT_EQ(*params.Find("a"), "caf\xC3\xA9");
  EXPECT_EQ(*params.Find("b"), "\xC3\xBC");
  EXPECT_EQ(*params.Find("c"), "caf\xC3\xA9");
  EXPECT_EQ(*params.Find("d"), "caf\xE9");  // not declared Latin-1: kept, checked on use
}

TEST(DecodeMultipartTest, PreambleAndEpilogueAreIgnored) {
  const std::string body = "This is the preamble.\r\n" + Body({Field("a", "1")}) + "epilogue";
  const Params params = Decode(body);
  EXPECT_EQ(params.size(), 1u);
  EXPECT_EQ(*params.Find("a"), "1");
}

TEST(DecodeMultipartTest, TransportPaddingAfterBoundaries) {
  const std::string body = std::string("--") + kBoundary + "  \t\r\n" +
                           "Content-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--" + kBoundary +
                           "\t\r\n" + "Content-Disposition: form-data; name=\"b\"\r\n\r\n2\r\n--" +
                           kBoundary + "--\r\n";
  const Params params = Decode(body);
  EXPECT_EQ(*params.Find("a"), "1");
  EXPECT_EQ(*params.Find("b"), "2");
}

TEST(DecodeMultipartTest, EmptyAndTrickyValues) {
  const Params params = Decode(Body({
      Field("empty", ""),
      Field("lines", "line1\r\nline2\r\n"),
      Field("dashes", std::string("--") + kBoundary + "x"),  // not after CRLF: data
      Field("binary", std::string("a\0b", 3)),
  }));
  ASSERT_NE(params.Find("empty"), nullptr);
  EXPECT_EQ(*params.Find("empty"), "");
  EXPECT_EQ(*params.Find("lines"), "line1\r\nline2\r\n");
  EXPECT_EQ(*params.Find("dashes"), std::string("--") + kBoundary + "x");
  EXPECT_EQ(*params.Find("binary"), std::string("a\0b", 3));
}

TEST(DecodeMultipartTest, PartsWithoutANameAreIgnored) {
  const Params params = Decode(Body({
      Part{{"Content-Disposition: form-data"}, "no name"},
      Part{{"Content-Disposition: attachment; name=\"att\""}, "not form-data"},
      Part{{"Content-Type: text/plain"}, "no disposition"},
      Part{{}, "no headers at all"},
      Field("kept", "yes"),
  }));
  EXPECT_EQ(params.size(), 1u);
  EXPECT_EQ(*params.Find("kept"), "yes");
}

TEST(DecodeMultipartTest, RepeatedNamesAreAllKept) {
  const Params params = Decode(Body({Field("id", "1"), Field("id", "2")}));
  EXPECT_EQ(params.size(), 2u);
  EXPECT_EQ(*params.Find("id"), "2");
  EXPECT_EQ(params.FindJoined("id"), "1;2");
}

TEST(DecodeMultipartTest, NoPartsAtAll) {
  EXPECT_EQ(Decode(std::string("--") + kBoundary + "--\r\n").size(), 0u);
}

TEST(DecodeMultipartTest, MissingClosingBoundaryIs400) {
  const std::string whole = Body({Field("a", "1")});
  const std::string prefix = std::string("--") + kBoundary + "\r\n" +
                             "Content-Disposition: form-data; name=\"a\"\r\n\r\n1";
  EXPECT_EQ(StatusOf(prefix), 400);
  EXPECT_EQ(StatusOf(prefix + "\r\n"), 400);
  EXPECT_EQ(StatusOf(prefix + "\r\n--" + kBoundary), 400);
  EXPECT_EQ(StatusOf(whole.substr(0, whole.size() - 4)), 400);  // "--\r\n" cut off
}

TEST(DecodeMultipartTest, NoOpeningBoundaryIs400) {
  EXPECT_EQ(StatusOf(""), 400);
  EXPECT_EQ(StatusOf("a=1&b=2"), 400);
  EXPECT_EQ(StatusOf(Body({Field("a", "1")}, "other-boundary")), 400);
}

TEST(DecodeMultipartTest, UnterminatedHeadersAre400) {
  EXPECT_EQ(StatusOf(std::string("--") + kBoundary + "\r\nContent-Disposition: form-data; name=a"),
            400);
  EXPECT_EQ(StatusOf(std::string("--") + kBoundary +
                     "\r\nContent-Disposition: form-data; name=a\r\nvalue"),
            400);
}

TEST(DecodeMultipartTest, UnterminatedQuoteInAPartHeaderIs400) {
  EXPECT_EQ(StatusOf(Body({Part{{"Content-Disposition: form-data; name=\"a"}, "1"}})), 400);
}

TEST(DecodeMultipartTest, GarbageAfterABoundaryIs400) {
  EXPECT_EQ(StatusOf(std::string("--") + kBoundary + "junk\r\n\r\nx\r\n--" + kBoundary + "--"),
            400);
}

TEST(DecodeMultipartTest, EmptyBoundaryIs400) {
  EXPECT_EQ(StatusOf("--\r\n\r\nx\r\n----", ""), 400);
}

}  // namespace
}  // namespace coffer::api
