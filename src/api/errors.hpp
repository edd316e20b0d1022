#pragma once

#include <boost/json/object.hpp>
#include <stdexcept>
#include <string>

#include "common/api_error.hpp"

namespace coffer::api {

// A request refused at the transport level: answered with `http_status` and error 101.
class BadRequest : public std::runtime_error {
 public:
  BadRequest(int http_status, const std::string& why)
      : std::runtime_error(why), http_status_(http_status) {}
  int http_status() const { return http_status_; }

 private:
  int http_status_;
};

// The protocol message for an error, placeholders filled (SPEC 5.1, the single table).
std::string ErrorMessage(const common::ApiError& error);

// `{"error":{"msg":..,"code":..},"errors":[<same>]}`.
std::string RenderError(const common::ApiError& error);

// The envelope of SPEC 15's answer while the storage is unreachable: code 1, `Service
// temporarily unavailable.`
std::string RenderUnavailable();

// A success body: `members` holds `result` and any siblings (`count`, `total_count`, ...).
std::string RenderSuccess(const boost::json::object& members);

}  // namespace coffer::api
