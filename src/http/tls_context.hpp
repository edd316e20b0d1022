#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace coffer::http {

// A server TLS context (TLS 1.2 and later) from PEM files. Throws std::runtime_error naming
// the file that could not be used.
std::shared_ptr<boost::asio::ssl::context> MakeTlsContext(const std::string& certificate_file,
                                                          const std::string& private_key_file);

}  // namespace coffer::http
