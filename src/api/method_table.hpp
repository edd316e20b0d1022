#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>

#include "api/param_reader.hpp"
#include "auth/principal.hpp"

namespace coffer::api {

// What a method handler sees of its request.
struct MethodCall {
  const auth::Principal& principal;
  const ParamReader& params;
};

// Returns the success body's members (`result` and siblings) or throws common::ApiError.
using MethodHandler = std::function<boost::json::object(const MethodCall&)>;

struct MethodSpec {
  std::span<const std::string_view> allowed_roles;
  MethodHandler handler;
  // Reads a bounded amount by key and writes nothing: cheap enough to answer on a network
  // thread when the store reads locally (RouterOptions::point_reads_inline).
  bool point_read = false;
};

// Method name (case-sensitive) -> roles and handler. Filled once at start-up, then read-only
// and safe to share between threads.
class MethodTable {
 public:
  void Add(std::string name, MethodSpec spec);
  const MethodSpec* Find(std::string_view name) const;

 private:
  std::map<std::string, MethodSpec, std::less<>> methods_;
};

}  // namespace coffer::api
