#pragma once

#include <boost/json/memory_resource.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <functional>
#include <string>

namespace coffer::api {

// Storage that wipes each block it handed out in full when it is freed, whatever size and
// alignment it is handed back with: Boost.JSON may free a block with a smaller alignment than
// it asked for, and 1.81's monotonic_resource returns its blocks 32 bytes short of what it asked
// for (fixed in later releases), so a resource trusting those would leave ends unwiped.
// Thread-safe; alignments up to alignof(std::max_align_t).
class WholeBlockWiping final : public boost::json::memory_resource {
 public:
  // Tests look at each block after it is wiped and before it is freed.
  using Inspect = std::function<void(const unsigned char* block, std::size_t size)>;
  explicit WholeBlockWiping(Inspect inspect = {}) : inspect_(std::move(inspect)) {}

 private:
  void* do_allocate(std::size_t bytes, std::size_t align) override;
  void do_deallocate(void* p, std::size_t bytes, std::size_t align) override;
  bool do_is_equal(const boost::json::memory_resource& other) const noexcept override {
    return this == &other;
  }

  const Inspect inspect_;
};

// A shared WholeBlockWiping, for trees that hold secret values: a JSON request body and the
// answers (AnswerArena's blocks).
boost::json::storage_ptr WipingJsonStorage();

// Where one request's answer is built: a buffer in the arena itself (on the stack), then blocks
// from `blocks` (by default WipingJsonStorage()). Nothing is freed until the arena ends,
// when its buffer is wiped too. An answer took a dozen or more heap allocations otherwise, one
// per member name, string and table. Not thread-safe; everything built in it must be gone
// before it ends.
class AnswerArena {
 public:
  AnswerArena();
  explicit AnswerArena(boost::json::storage_ptr blocks);
  ~AnswerArena();
  AnswerArena(const AnswerArena&) = delete;
  AnswerArena& operator=(const AnswerArena&) = delete;

  boost::json::storage_ptr storage() { return boost::json::storage_ptr(&resource_); }

 private:
  // Room for a Get's answer and a GetSecretValue's with a value of a few hundred bytes.
  static constexpr std::size_t kBufferBytes = 2048;
  alignas(std::max_align_t) unsigned char buffer_[kBufferBytes];
  boost::json::monotonic_resource resource_;  // over buffer_, declared after it
};

// `value` as JSON text in a string that grows without leaving copies behind: when it outgrows
// its buffer, the old one is wiped before it is freed.
std::string SerializeWiping(const boost::json::value& value);

}  // namespace coffer::api
