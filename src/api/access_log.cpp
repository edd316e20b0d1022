#include "api/access_log.hpp"

#include <fmt/format.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace coffer::api {

namespace {

int64_t Microseconds(std::chrono::nanoseconds latency) {
  return std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
}

std::string_view MethodOf(const CallRecord& record) {
  return record.method.empty() ? std::string_view("unknown") : record.method;
}

std::string TextLine(const CallRecord& record, std::chrono::nanoseconds latency) {
  // Every value is a name from the method table, a number, a key id or an IP address: none
  // holds a space, so the pairs split on spaces.
  return fmt::format(
      "method={} status={} code={} latency_us={} account={} key={} "
      "application={} client={}",
      MethodOf(record), record.status, record.error_code, Microseconds(latency), record.account_id,
      record.key_id.empty() ? "-" : record.key_id,
      record.application_id ? std::to_string(*record.application_id) : "-",
      record.client.empty() ? "-" : record.client);
}

std::string JsonMembers(const CallRecord& record, std::chrono::nanoseconds latency) {
  boost::json::object line{{"method", MethodOf(record)},      {"status", record.status},
                           {"code", record.error_code},       {"latency_us", Microseconds(latency)},
                           {"account_id", record.account_id}, {"key_id", record.key_id},
                           {"client", record.client}};
  line["application_id"] = record.application_id ? boost::json::value(*record.application_id)
                                                 : boost::json::value(nullptr);
  std::string text = boost::json::serialize(line);
  return text.substr(1, text.size() - 2);  // the writer adds the braces around its time stamp
}

}  // namespace

AccessLog::AccessLog(AccessLogFormat format, std::function<void(const std::string&)> write)
    : format_(format), write_(std::move(write)) {}

std::string AccessLog::Line(const CallRecord& record, std::chrono::nanoseconds latency) const {
  return format_ == AccessLogFormat::kJson ? JsonMembers(record, latency)
                                           : TextLine(record, latency);
}

void AccessLog::Observe(const CallRecord& record, std::chrono::nanoseconds latency) noexcept {
  try {
    write_(Line(record, latency));
  } catch (...) {
    // A full disk or no memory: the line is lost, the request is not.
  }
}

}  // namespace coffer::api
