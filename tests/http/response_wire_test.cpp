#include "http/response_wire.hpp"

#include <gtest/gtest.h>

namespace coffer::http {
namespace {

common::HttpResponse Answer(int status, std::string body) {
  common::HttpResponse response;
  response.status = status;
  response.headers = {{"Cache-Control", "no-store"}, {"Retry-After", "1"}};
  response.body = std::move(body);
  return response;
}

TEST(ResponseWireTest, StatusLineFieldsLengthAndBody) {
  EXPECT_EQ(ResponseWire(Answer(200, R"({"result":1})"), true, false),
            "HTTP/1.1 200 OK\r\n"
            "Server: coffer\r\n"
            "Content-Type: application/json; charset=utf-8\r\n"
            "Cache-Control: no-store\r\n"
            "Retry-After: 1\r\n"
            "Content-Length: 12\r\n"
            "\r\n"
            R"({"result":1})");
}

TEST(ResponseWireTest, ConnectionCloseUnlessKeptAlive) {
  const std::string wire = ResponseWire(Answer(503, "{}"), false, false);
  EXPECT_TRUE(wire.starts_with("HTTP/1.1 503 Service Unavailable\r\n")) << wire;
  EXPECT_NE(wire.find("\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}"), std::string::npos)
      << wire;
  EXPECT_EQ(ResponseWire(Answer(200, "{}"), true, false).find("Connection"), std::string::npos);
}

TEST(ResponseWireTest, HeadCarriesTheLengthButNotTheBody) {
  const std::string wire = ResponseWire(Answer(200, "0123456789"), true, true);
  EXPECT_TRUE(wire.ends_with("Content-Length: 10\r\n\r\n")) << wire;
}

TEST(ResponseWireTest, EveryStatusTheServerSendsHasItsReason) {
  for (const auto& [status, reason] : {std::pair{400, "Bad Request"},
                                       {404, "Not Found"},
                                       {405, "Method Not Allowed"},
                                       {413, "Payload Too Large"},
                                       {414, "URI Too Long"},
                                       {431, "Request Header Fields Too Large"},
                                       {500, "Internal Server Error"},
                                       {301, "Moved Permanently"}}) {
    const std::string line = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
    EXPECT_TRUE(ResponseWire(Answer(status, ""), true, false).starts_with(line)) << status;
  }
}

TEST(ResponseWireTest, OneAllocationOfTheExactSize) {
  const std::string body(8192, 's');
  const std::string wire = ResponseWire(Answer(200, body), true, false);
  // libstdc++ reserves exactly what is asked (the project's toolchain; libc++ would round up).
  EXPECT_EQ(wire.capacity(), wire.size()) << "no buffer outgrown with a copy of the body in it";
  EXPECT_TRUE(wire.ends_with("\r\n\r\n" + body));
}

}  // namespace
}  // namespace coffer::http
