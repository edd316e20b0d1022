#include "store/sqlite/write_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/sqlite/connection.hpp"
#include "support/temp_dir.hpp"

namespace coffer::store::sqlite {
namespace {

class WriteQueueTest : public ::testing::Test {
 protected:
  WriteQueueTest() : writer_(dir_.File("queue.db"), 5000, false) {
    writer_.Exec("CREATE TABLE t (name TEXT PRIMARY KEY)");
    queue_ = std::make_unique<WriteQueue>(writer_, 64);
  }

  static void Insert(Connection& c, const std::string& name) {
    StatementUse(c, "INSERT INTO t (name) VALUES (?)").Bind(1, name).Run();
  }

  // Rows as seen by an independent connection.
  int64_t Count() {
    Connection reader(dir_.File("queue.db"), 5000, true);
    StatementUse query(reader, "SELECT COUNT(*) FROM t");
    query.Step();
    return query.Int(0);
  }

  bool Exists(const std::string& name) {
    Connection reader(dir_.File("queue.db"), 5000, true);
    StatementUse query(reader, "SELECT 1 FROM t WHERE name = ?");
    query.Bind(1, name);
    return query.Step();
  }

  testing_support::TempDir dir_;
  Connection writer_;
  std::unique_ptr<WriteQueue> queue_;
};

TEST_F(WriteQueueTest, ReturnsWhatTheWriteReturnsOnceDurable) {
  const int64_t id = queue_->Submit([](Connection& c) {
    Insert(c, "a");
    return c.LastInsertRowId();
  });
  EXPECT_GE(id, 1);
  EXPECT_TRUE(Exists("a"));  // committed: another connection sees it
  queue_->Submit([](Connection& c) { Insert(c, "b"); });
  EXPECT_EQ(Count(), 2);
  EXPECT_EQ(queue_->writes(), 2u);
  EXPECT_EQ(queue_->batches(), 2u);
}

TEST_F(WriteQueueTest, AFailingWriteIsRolledBackAloneAndRethrown) {
  EXPECT_THROW(queue_->Submit([](Connection& c) {
    Insert(c, "half-done");
    throw std::runtime_error("write failed");
  }),
               std::runtime_error);
  EXPECT_FALSE(Exists("half-done"));
  queue_->Submit([](Connection& c) { Insert(c, "dup"); });
  EXPECT_THROW(queue_->Submit([](Connection& c) {
    Insert(c, "partial");
    Insert(c, "dup");  // unique violation
  }),
               UniqueViolation);
  EXPECT_FALSE(Exists("partial"));
  EXPECT_TRUE(Exists("dup"));
}

TEST_F(WriteQueueTest, ConcurrentWritersShareCommitsAndFailuresStayIsolated) {
  constexpr int kThreads = 6;
  constexpr int kPerThread = 40;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string name = std::to_string(t) + "-" + std::to_string(i);
        try {
          queue_->Submit([&](Connection& c) {
            Insert(c, name);
            if (i % 5 == 0) throw std::runtime_error("every fifth write fails");
          });
        } catch (const std::runtime_error&) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), kThreads * kPerThread / 5);
  EXPECT_EQ(Count(), kThreads * kPerThread * 4 / 5);
  EXPECT_FALSE(Exists("0-0"));
  EXPECT_TRUE(Exists("0-1"));
  EXPECT_EQ(queue_->writes(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST_F(WriteQueueTest, SubmitAsyncTellsDoneOnTheWriterThreadOnceDurable) {
  std::promise<std::pair<std::thread::id, bool>> durable;
  queue_->SubmitAsync([](Connection& c) { Insert(c, "async"); },
                      [&](std::exception_ptr failure) {
                        EXPECT_FALSE(failure);
                        durable.set_value({std::this_thread::get_id(), Exists("async")});
                      });
  const auto [thread, committed] = durable.get_future().get();
  EXPECT_NE(thread, std::this_thread::get_id());
  EXPECT_TRUE(committed) << "another connection sees the write when done is told";

  std::promise<std::exception_ptr> failed;
  queue_->SubmitAsync(
      [](Connection& c) {
        Insert(c, "rolled-back");
        Insert(c, "async");  // unique violation
      },
      [&](std::exception_ptr failure) { failed.set_value(failure); });
  const std::exception_ptr failure = failed.get_future().get();
  ASSERT_TRUE(failure);
  EXPECT_THROW(std::rethrow_exception(failure), UniqueViolation);
  EXPECT_FALSE(Exists("rolled-back"));
}

TEST_F(WriteQueueTest, WritesSubmittedWithoutWaitingShareOneCommit) {
  // The first write holds the writer until 50 more are queued behind it; those then form one
  // batch, as one thread queued them all.
  std::promise<void> writer_busy;
  std::promise<void> release;
  queue_->SubmitAsync(
      [&](Connection& c) {
        writer_busy.set_value();
        release.get_future().wait();
        Insert(c, "first");
      },
      [](std::exception_ptr failure) { EXPECT_FALSE(failure); });
  writer_busy.get_future().wait();
  constexpr int kWrites = 50;
  std::atomic<int> done{0};
  std::promise<void> all_done;
  for (int i = 0; i < kWrites; ++i) {
    queue_->SubmitAsync([i](Connection& c) { Insert(c, "w" + std::to_string(i)); },
                        [&](std::exception_ptr failure) {
                          EXPECT_FALSE(failure);
                          if (++done == kWrites) all_done.set_value();
                        });
  }
  release.set_value();
  all_done.get_future().wait();
  EXPECT_EQ(Count(), kWrites + 1);
  EXPECT_EQ(queue_->writes(), static_cast<std::size_t>(kWrites + 1));
  EXPECT_EQ(queue_->batches(), 2u);
}

TEST_F(WriteQueueTest, DoneMaySubmitTheNextWrite) {
  std::promise<void> last_done;
  std::function<void(int)> chain = [&](int i) {
    queue_->SubmitAsync([i](Connection& c) { Insert(c, "chain" + std::to_string(i)); },
                        [&, i](std::exception_ptr failure) {
                          EXPECT_FALSE(failure);
                          if (i == 9) return last_done.set_value();
                          chain(i + 1);
                        });
  };
  chain(0);
  last_done.get_future().wait();
  EXPECT_EQ(Count(), 10);
}

TEST_F(WriteQueueTest, DestructionFinishesQueuedWrites) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back(
        [&, t] { queue_->Submit([t](Connection& c) { Insert(c, "w" + std::to_string(t)); }); });
  }
  for (auto& thread : threads) thread.join();
  queue_.reset();
  EXPECT_EQ(Count(), 4);
}

}  // namespace
}  // namespace coffer::store::sqlite
