#include "api/wiping_json.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <vector>

namespace coffer::api {
namespace {

namespace json = boost::json;

// What a WholeBlockWiping saw freed: each block's size, and whether every byte was zero.
struct FreedBlocks {
  std::vector<std::size_t> sizes;
  bool all_wiped = true;
  WholeBlockWiping::Inspect Inspector() {
    return [this](const unsigned char* block, std::size_t size) {
      sizes.push_back(size);
      all_wiped =
          all_wiped && std::all_of(block, block + size, [](unsigned char c) { return c == 0; });
    };
  }
};

TEST(WholeBlockWipingTest, WipesTheWholeBlockWhateverSizeItIsHandedBack) {
  FreedBlocks freed;
  WholeBlockWiping resource(freed.Inspector());
  void* p = resource.allocate(100, 16);
  std::fill_n(static_cast<unsigned char*>(p), 100, 0xA5);
  resource.deallocate(p, 68, 16);  // short, as Boost.JSON 1.81's monotonic_resource hands back
  ASSERT_EQ(freed.sizes, std::vector<std::size_t>{100});
  EXPECT_TRUE(freed.all_wiped);
}

TEST(WholeBlockWipingTest, WipesTheWholeBlockWhateverAlignmentItIsHandedBack) {
  FreedBlocks freed;
  WholeBlockWiping resource(freed.Inspector());
  void* p = resource.allocate(40, 16);
  std::fill_n(static_cast<unsigned char*>(p), 40, 0x5A);
  resource.deallocate(p, 40, 1);  // a smaller alignment, as Boost.JSON may free with
  ASSERT_EQ(freed.sizes, std::vector<std::size_t>{40});
  EXPECT_TRUE(freed.all_wiped);
}

TEST(WipingJsonStorageTest, ParsesAndFreesATreeThroughTheSharedResource) {
  const json::value tree =
      json::parse(R"({"secret_value":"s3cr3t","list":[1,2,3]})", WipingJsonStorage());
  EXPECT_EQ(tree.at("secret_value").as_string(), "s3cr3t");
  EXPECT_EQ(tree.storage().get(), WipingJsonStorage().get());
}

TEST(WholeBlockWipingTest, HandsOutMaximallyAlignedBlocks) {
  WholeBlockWiping resource;
  for (std::size_t bytes : {1u, 7u, 16u, 1000u}) {
    void* p = resource.allocate(bytes, alignof(std::max_align_t));
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(p) % alignof(std::max_align_t), 0u) << bytes;
    resource.deallocate(p, bytes, alignof(std::max_align_t));
  }
  EXPECT_THROW(resource.allocate(8, 2 * alignof(std::max_align_t)), std::bad_alloc);
}

TEST(AnswerArenaTest, AnAnswerBeyondItsBufferComesFromBlocksWipedInFull) {
  FreedBlocks freed;
  WholeBlockWiping blocks(freed.Inspector());
  {
    AnswerArena arena{json::storage_ptr(&blocks)};
    // Larger than the arena's own buffer, in every length that could end in a block's tail.
    json::array values(arena.storage());
    for (std::size_t length = 2000; length < 2100; ++length) {
      values.emplace_back(std::string(length, 'S'));
    }
    json::object answer({{"result", std::move(values)}}, arena.storage());
    EXPECT_EQ(answer.at("result").as_array().size(), 100u);
  }
  EXPECT_FALSE(freed.sizes.empty());
  EXPECT_TRUE(freed.all_wiped);
}

TEST(AnswerArenaTest, ASmallAnswerTakesNoBlock) {
  FreedBlocks freed;
  WholeBlockWiping blocks(freed.Inspector());
  {
    AnswerArena arena{json::storage_ptr(&blocks)};
    json::object answer(
        {{"result", {{"key", "k"}, {"value", std::string(100, 'v')}, {"expires_at", 1}}}},
        arena.storage());
    EXPECT_EQ(json::serialize(answer).size(), 148u);
  }
  EXPECT_TRUE(freed.sizes.empty());
}

}  // namespace
}  // namespace coffer::api
