// Which hosts are this machine: the emulator answers only them, and plain HTTP goes only to them.

#include "cli/loopback.hpp"

#include <gtest/gtest.h>

namespace coffer::cli {
namespace {

TEST(LoopbackTest, OnlyThisMachinesNamesAndAddresses) {
  for (const char* host : {"localhost", "127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"}) {
    EXPECT_TRUE(IsLoopbackHost(host)) << host;
  }
  for (const char* host : {"", "10.0.0.1", "192.0.2.1", "::ffff:10.0.0.1", "fe80::1", "::",
                           "0.0.0.0", "example.com", "localhost.example.com", "[::1]"}) {
    EXPECT_FALSE(IsLoopbackHost(host)) << host;
  }
}

}  // namespace
}  // namespace coffer::cli
