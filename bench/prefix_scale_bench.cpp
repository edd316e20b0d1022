// prefix_scale_bench [--sizes=1000,1000000] [Google Benchmark flags]
//
// Point reads and prefix pages on one application holding N items, for each N in --sizes, to
// show that reading one item or one page costs about the same at a thousand items as at a
// million: both walk a range of the (application_id, key) primary key, never the application.
//
// Items are "k:0000000", "k:0000001", ... (7 digits), so dropping the last digit of a key
// gives a prefix matching exactly 10 keys, and dropping two a prefix matching 100.
//
// Filling: up to kStoreApiFillLimit items are written through the store's KeyValueStore::Put from
// many threads (group-committed, as the server would); larger sizes are inserted through a
// second connection to the same database file in one transaction (the store's own
// Connection class, same INSERT statement), because a million individually durable writes
// would take minutes and measure the fill, not the reads. The WAL is then checkpointed so
// every size is read from the main database file.

#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_support.hpp"
#include "store/sqlite/connection.hpp"

namespace coffer::bench {
namespace {

constexpr int64_t kStoreApiFillLimit = 100000;

std::string ValueOf(int64_t index) {
  // 48 bytes, about a phone number plus some JSON-ish context.
  std::string value = "{\"phone\":\"+1555" + std::to_string(1000000 + index) + "\",\"n\":";
  value += std::to_string(index);
  value.resize(47, ' ');
  value += '}';
  return value;
}

void FillThroughStore(StoreFixture& f, int64_t count, int64_t expires_at) {
  constexpr int kThreads = 64;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&f, t, count, expires_at] {
      for (int64_t i = t; i < count; i += kThreads) {
        f.store->key_value().Put(f.application_id, {IndexedKey(i), ValueOf(i), expires_at});
      }
    });
  }
  for (auto& thread : threads) thread.join();
}

void FillInOneTransaction(StoreFixture& f, int64_t count, int64_t expires_at) {
  store::sqlite::Connection connection(f.database_path, 5000, false);
  {
    store::sqlite::Transaction transaction(connection);
    for (int64_t i = 0; i < count; ++i) {
      store::sqlite::StatementUse(connection,
                                  "INSERT INTO kv_items (application_id, key, value, expires_at) "
                                  "VALUES (?, ?, ?, ?)")
          .Bind(1, f.application_id)
          .Bind(2, IndexedKey(i))
          .Bind(3, ValueOf(i))
          .Bind(4, expires_at)
          .Run();
    }
    transaction.Commit();
  }
  connection.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

struct SizedStore {
  int64_t size = 0;
  std::unique_ptr<StoreFixture> fixture;
  double fill_seconds = 0;
  bool through_store_api = false;
  double database_mib = 0;
};

std::unique_ptr<SizedStore> MakeSizedStore(int64_t size) {
  auto sized = std::make_unique<SizedStore>();
  sized->size = size;
  sized->fixture = std::make_unique<StoreFixture>();
  const int64_t expires_at = NowSeconds() + 7 * 86400;
  const auto started = std::chrono::steady_clock::now();
  sized->through_store_api = size <= kStoreApiFillLimit;
  if (sized->through_store_api) {
    FillThroughStore(*sized->fixture, size, expires_at);
  } else {
    FillInOneTransaction(*sized->fixture, size, expires_at);
  }
  sized->fill_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(sized->fixture->dir.path(), ec)) {
    sized->database_mib += static_cast<double>(entry.file_size(ec)) / (1024.0 * 1024.0);
  }
  std::cerr << "filled " << size << " items in " << sized->fill_seconds << " s ("
            << (sized->through_store_api ? "PutKvItem from 64 threads" : "one transaction")
            << "), database files " << sized->database_mib << " MiB\n";
  return sized;
}

// The prefix that matches the `digits_dropped`-digit run of keys around item `index`.
std::string PrefixAround(int64_t index, int digits_dropped) {
  const std::string key = IndexedKey(index);
  return key.substr(0, key.size() - static_cast<std::size_t>(digits_dropped));
}

void AddCounters(benchmark::State& state, const SizedStore& sized) {
  state.counters["items"] = static_cast<double>(sized.size);
}

void RegisterFor(const SizedStore& sized) {
  const std::string n = std::to_string(sized.size);
  StoreFixture& f = *sized.fixture;
  const SizedStore* s = &sized;

  benchmark::RegisterBenchmark(("GetKvItem/random/" + n).c_str(), [s, &f](benchmark::State& state) {
    std::mt19937_64 random(7);
    std::uniform_int_distribution<int64_t> index(0, s->size - 1);
    const int64_t now = NowSeconds();
    for (auto _ : state) {
      const auto item = f.store->key_value().Get(f.application_id, IndexedKey(index(random)), now);
      if (!item.ok()) state.SkipWithError("missing item");
      benchmark::DoNotOptimize(item);
    }
    AddCounters(state, *s);
  });

  benchmark::RegisterBenchmark(("GetKvItem/absent/" + n).c_str(), [s, &f](benchmark::State& state) {
    const std::string key = IndexedKey(s->size + 17);
    const int64_t now = NowSeconds();
    for (auto _ : state) {
      const auto item = f.store->key_value().Get(f.application_id, key, now);
      if (item.ok()) state.SkipWithError("unexpected item");
    }
    AddCounters(state, *s);
  });

  // A page of `limit` items whose keys start with `prefix`, skipping `offset`.
  const auto page = [s, &f, n](const std::string& label, std::string prefix, int64_t offset,
                               int64_t limit, std::size_t expected, bool with_values) {
    benchmark::RegisterBenchmark(
        ("ListKvItems/" + label + "/" + n).c_str(),
        [s, &f, prefix, offset, limit, expected, with_values](benchmark::State& state) {
          const int64_t now = NowSeconds();
          for (auto _ : state) {
            const auto items = f.store->key_value().List(f.application_id, prefix, now, offset,
                                                         limit, with_values);
            if (!items.ok() || items->size() != expected) {
              state.SkipWithError("unexpected page size");
            }
            benchmark::DoNotOptimize(items);
          }
          AddCounters(state, *s);
        });
  };
  const int64_t middle = sized.size / 2;
  // 10 matches near the start of the keyspace, one page of 10.
  page("prefix10_start_page10", PrefixAround(20, 1), 0, 10, 10, true);
  // 10 matches in the middle of the keyspace, one page of 10.
  page("prefix10_middle_page10", PrefixAround(middle, 1), 0, 10, 10, true);
  // 100 matches in the middle, the largest page (50).
  page("prefix100_middle_page50", PrefixAround(middle, 2), 0, 50, 50, true);
  // GetKeyValueKeys without a pattern: the first 10 keys of the whole application.
  page("all_keys_first_page10", "", 0, 10, 10, false);
  // The cost of a deep offset: OFFSET walks the skipped rows (linear in the offset).
  page("all_keys_offset_half_page10", "", middle, 10, 10, false);
}

// Reads --sizes=a,b,... (removed from argv); default 1000 and 1000000.
std::vector<int64_t> TakeSizes(int& argc, char** argv) {
  std::vector<int64_t> sizes = {1000, 1000000};
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--sizes=", 0) == 0) {
      sizes.clear();
      std::stringstream list(arg.substr(8));
      for (std::string item; std::getline(list, item, ',');) sizes.push_back(std::stoll(item));
    } else {
      argv[out++] = argv[i];
    }
  }
  argc = out;
  return sizes;
}

}  // namespace
}  // namespace coffer::bench

int main(int argc, char** argv) {
  const auto sizes = coffer::bench::TakeSizes(argc, argv);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  std::vector<std::unique_ptr<coffer::bench::SizedStore>> stores;
  for (const int64_t size : sizes) {
    stores.push_back(coffer::bench::MakeSizedStore(size));
    coffer::bench::RegisterFor(*stores.back());
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
