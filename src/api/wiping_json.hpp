#pragma once

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <string>

namespace coffer::api {

// Boost.JSON storage that wipes every block before freeing it, for trees that hold secret
// values: a JSON request body and GetSecretValue's answer. Shared and thread-safe.
boost::json::storage_ptr WipingJsonStorage();

// Where one request's answer is built: a buffer in the arena itself (on the stack), then blocks
// from WipingJsonStorage(). Nothing is freed until the arena ends, when its buffer is wiped too.
// An answer took a dozen or more heap allocations otherwise, one per member name, string and
// table. Not thread-safe; everything built in it must be gone before it ends.
class AnswerArena {
 public:
  AnswerArena();
  ~AnswerArena();
  AnswerArena(const AnswerArena&) = delete;
  AnswerArena& operator=(const AnswerArena&) = delete;

  boost::json::storage_ptr storage() { return boost::json::storage_ptr(&resource_); }

 private:
  alignas(std::max_align_t) unsigned char buffer_[2048];
  boost::json::monotonic_resource resource_;  // over buffer_, declared after it
};

// `value` as JSON text in a string that grows without leaving copies behind: when it outgrows
// its buffer, the old one is wiped before it is freed.
std::string SerializeWiping(const boost::json::value& value);

}  // namespace coffer::api
