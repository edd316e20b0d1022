#pragma once

#include <string>

namespace coffer::cli {

// Whether `host` names this machine: `localhost`, 127.0.0.0/8, ::1, or IPv4 loopback mapped
// into IPv6. A client address or a URL's host (IPv6 without brackets).
bool IsLoopbackHost(const std::string& host);

}  // namespace coffer::cli
