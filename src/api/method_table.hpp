#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "api/call_record.hpp"
#include "api/param_reader.hpp"
#include "api/wiping_json.hpp"
#include "auth/principal.hpp"

namespace coffer::api {

// What a method handler sees of its request.
struct MethodCall {
  const auth::Principal& principal;
  const ParamReader& params;
  // Where the method notes what it learns for the record (the application it resolved); may be
  // null.
  CallRecord* record = nullptr;
  // Where a handler builds its answer's JSON: storage that wipes what it frees (an answer may
  // hold a secret value). For a synchronous handler, the router's per-request AnswerArena: the
  // answer must not outlive the handler's return to the router. Otherwise WipingJsonStorage().
  boost::json::storage_ptr storage = WipingJsonStorage();
};

// Returns the success body's members (`result` and siblings) or throws common::ApiError.
using MethodHandler = std::function<boost::json::object(const MethodCall&)>;

// The end of an asynchronous method: returns the success members or throws what the method
// would have thrown.
using MethodFinish = std::function<boost::json::object()>;

// A method that writes without holding a thread while the write becomes durable. It checks its
// parameters as a MethodHandler does (throwing common::ApiError), starts the write and returns;
// `done` is then called exactly once, on the thread that finished the write (perhaps before the
// handler returns), with the method's finish; once it has called or handed on `done`, the
// handler must not throw (that would answer twice). The MethodCall is gone by then: the finish
// owns what it needs.
using AsyncMethodHandler =
    std::function<void(const MethodCall&, std::function<void(MethodFinish)> done)>;

// A method has a `handler` or a `start`, never both.
struct MethodSpec {
  std::span<const std::string_view> allowed_roles;
  MethodHandler handler;
  // Reads a bounded amount by key and writes nothing: cheap enough to answer on a network
  // thread when the store reads locally (RouterOptions::answer_on_network_threads).
  bool point_read = false;
  AsyncMethodHandler start = nullptr;
  // Every call is recorded in the audit log (SPEC 16): the secrets methods and the application
  // changes. Never an asynchronous method.
  bool audited = false;
  // The name the method is registered under; set by MethodTable::Add.
  std::string_view name = {};
};

// Method name (case-sensitive) -> roles and handler. Filled once at start-up, then read-only
// and safe to share between threads.
class MethodTable {
 public:
  void Add(std::string name, MethodSpec spec);
  const MethodSpec* Find(std::string_view name) const;
  // Every method's name, in order.
  std::vector<std::string_view> Names() const;

 private:
  std::map<std::string, MethodSpec, std::less<>> methods_;
};

}  // namespace coffer::api
