#include "api/wiping_json.hpp"

#include <boost/json/memory_resource.hpp>
#include <boost/json/serializer.hpp>
#include <cstdint>
#include <cstring>
#include <new>

#include "common/secure_string.hpp"

namespace coffer::api {

namespace {

// Appends `piece`, replacing a buffer that is too small by a larger one and wiping it first.
void AppendWiping(std::string& out, std::string_view piece) {
  if (out.size() + piece.size() > out.capacity()) {
    std::string larger;
    larger.reserve(std::max(out.capacity() * 2, out.size() + piece.size()));
    larger.append(out);
    common::WipeBytes(out.data(), out.capacity());
    out.swap(larger);
  }
  out.append(piece);
}

}  // namespace

namespace {

// Before each block: its size, in a header that keeps the block maximally aligned.
constexpr std::size_t kHeader = alignof(std::max_align_t);
static_assert(kHeader >= sizeof(std::size_t));

}  // namespace

boost::json::storage_ptr WipingJsonStorage() {
  static WholeBlockWiping resource;
  return boost::json::storage_ptr(&resource);
}

void* WholeBlockWiping::do_allocate(std::size_t bytes, std::size_t align) {
  if (align > alignof(std::max_align_t) || bytes > SIZE_MAX - kHeader) throw std::bad_alloc();
  auto* base = static_cast<unsigned char*>(::operator new(kHeader + bytes));
  std::memcpy(base, &bytes, sizeof bytes);
  return base + kHeader;
}

void WholeBlockWiping::do_deallocate(void* p, std::size_t, std::size_t) {
  auto* block = static_cast<unsigned char*>(p);
  unsigned char* base = block - kHeader;
  std::size_t size = 0;
  std::memcpy(&size, base, sizeof size);
  common::WipeBytes(block, size);
  if (inspect_) inspect_(block, size);
  ::operator delete(base);
}

AnswerArena::AnswerArena() : AnswerArena(WipingJsonStorage()) {}

AnswerArena::AnswerArena(boost::json::storage_ptr blocks)
    : resource_(buffer_, sizeof buffer_, std::move(blocks)) {}

// The blocks beyond the buffer are wiped as resource_ hands them back.
AnswerArena::~AnswerArena() { common::WipeBytes(buffer_, sizeof buffer_); }

std::string SerializeWiping(const boost::json::value& value) {
  boost::json::serializer serializer;
  serializer.reset(&value);
  std::string out;
  out.reserve(256);
  char chunk[1024];
  while (!serializer.done()) AppendWiping(out, serializer.read(chunk, sizeof chunk));
  common::WipeBytes(chunk, sizeof chunk);
  return out;
}

}  // namespace coffer::api
