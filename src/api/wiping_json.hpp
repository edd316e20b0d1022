#pragma once

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <string>

namespace coffer::api {

// Boost.JSON storage that wipes every block before freeing it, for trees that hold secret
// values: a JSON request body and GetSecretValue's answer. Shared and thread-safe.
boost::json::storage_ptr WipingJsonStorage();

// `value` as JSON text in a string that grows without leaving copies behind: when it outgrows
// its buffer, the old one is wiped before it is freed.
std::string SerializeWiping(const boost::json::value& value);

}  // namespace coffer::api
