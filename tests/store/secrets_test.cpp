// SecretStore conformance: secrets and data keys, on every backend. Sealed fields are opaque
// bytes here; the encryption itself is tested in crypto/ and service/.

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "conformance.hpp"

namespace coffer::store {
namespace {

class SecretsTest : public StoreConformanceTest {
 protected:
  SecretsTest()
      : account_(MakeAccount("dev")),
        app_(applications().Create(account_.id, "app", false, 1000, 0).value().id),
        other_app_(applications().Create(account_.id, "other", false, 1000, 0).value().id) {}

  Result<SecretRecord> TryAdd(const std::string& name, int64_t application_id = 0) {
    return secrets().Add(application_id == 0 ? app_ : application_id, name, 1000, [](int64_t id) {
      return SealedSecretFields{"sealed-" + std::to_string(id), std::nullopt};
    });
  }

  int64_t Add(const std::string& name, int64_t application_id = 0) {
    return TryAdd(name, application_id).value().id;
  }

  // The secret, or nullopt when the store answers kNotFound.
  std::optional<SecretRecord> Find(int64_t application_id, SecretLookup which) {
    auto found = secrets().Find(application_id, which);
    EXPECT_NE(found.outcome(), Outcome::kApplicationGone);
    if (!found.ok()) return std::nullopt;
    return std::move(found).value();
  }

  SecretPage List(int64_t application_id, std::string_view part, int64_t offset, int64_t limit) {
    return secrets().List(application_id, part, offset, limit).value();
  }

  std::vector<std::string> Names(int64_t application_id = 0) {
    std::vector<std::string> names;
    for (const auto& secret :
         List(application_id == 0 ? app_ : application_id, "", 0, 1000).items) {
      names.push_back(secret.name);
    }
    return names;
  }

  Account account_;
  int64_t app_;
  int64_t other_app_;
};

TEST_P(SecretsTest, AddSealsWithTheNewId) {
  const int64_t id = Add("a");
  const auto stored = Find(app_, {id, ""});
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->sealed_value, "sealed-" + std::to_string(id));
  EXPECT_EQ(stored->sealed_description, std::nullopt);
  EXPECT_EQ(Find(app_, {std::nullopt, "a"})->id, id);
  EXPECT_EQ(Find(app_, {std::nullopt, "A"}), std::nullopt) << "names are case-sensitive";
}

TEST_P(SecretsTest, TakenNameIsAConflictAndAddsNothing) {
  Add("a");
  EXPECT_EQ(TryAdd("a").outcome(), Outcome::kConflict);
  EXPECT_EQ(Names(), std::vector<std::string>{"a"});
  EXPECT_TRUE(TryAdd("a", other_app_).ok()) << "names are unique per application";
}

TEST_P(SecretsTest, ListFiltersByLiteralCaseInsensitiveSubstring) {
  for (const char* name : {"db_pass", "dbXpass", "API%key", "other"}) Add(name);
  const auto names_matching = [&](std::string_view part) {
    std::vector<std::string> names;
    for (const auto& s : List(app_, part, 0, 100).items) names.push_back(s.name);
    return names;
  };
  EXPECT_EQ(names_matching("DB_"), std::vector<std::string>{"db_pass"});
  EXPECT_EQ(names_matching("%"), std::vector<std::string>{"API%key"});
  EXPECT_EQ(names_matching("pass"), (std::vector<std::string>{"db_pass", "dbXpass"}));
  const SecretPage page = List(app_, "", 1, 2);
  EXPECT_EQ(page.total_count, 4);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].name, "dbXpass");
  EXPECT_TRUE(page.items[0].sealed_value.empty()) << "listings carry no sealed values";
}

TEST_P(SecretsTest, ReviseWritesWhatTheCallbackReturns) {
  const int64_t id = Add("a");
  const Outcome revised = secrets().Revise(app_, {id, ""}, [](SecretRecord record) {
    record.name = "b";
    record.sealed_description = "sealed-description";
    record.modified = 2000;
    return std::optional(record);
  });
  EXPECT_EQ(revised, Outcome::kOk);
  const auto stored = *Find(app_, {id, ""});
  EXPECT_EQ(stored.name, "b");
  EXPECT_EQ(stored.sealed_description, "sealed-description");
  EXPECT_EQ(stored.created, 1000);
  EXPECT_EQ(stored.modified, 2000);
}

TEST_P(SecretsTest, ReviseByNameAndUnchanged) {
  const int64_t id = Add("a");
  int calls = 0;
  EXPECT_EQ(secrets().Revise(app_, {std::nullopt, "a"},
                             [&](const SecretRecord& record) {
                               ++calls;
                               EXPECT_EQ(record.id, id);
                               return std::optional<SecretRecord>();
                             }),
            Outcome::kOk);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(Find(app_, {id, ""})->modified, 1000);
}

TEST_P(SecretsTest, ReviseOfMissingOrForeignSecretFindsNothing) {
  const int64_t foreign = Add("x", other_app_);
  const auto never = [](const SecretRecord&) -> std::optional<SecretRecord> {
    ADD_FAILURE() << "revise called for a secret that is not there";
    return std::nullopt;
  };
  EXPECT_EQ(secrets().Revise(app_, {foreign, ""}, never), Outcome::kNotFound);
  EXPECT_EQ(secrets().Revise(app_, {std::nullopt, "x"}, never), Outcome::kNotFound);
  EXPECT_EQ(secrets().Revise(app_, {foreign + 100, ""}, never), Outcome::kNotFound);
}

TEST_P(SecretsTest, ReviseToATakenNameIsAConflictAndChangesNothing) {
  Add("a");
  const int64_t b = Add("b");
  EXPECT_EQ(secrets().Revise(app_, {b, ""},
                             [](SecretRecord record) {
                               record.name = "a";
                               record.sealed_value = "changed";
                               return std::optional(record);
                             }),
            Outcome::kConflict);
  const auto stored = *Find(app_, {b, ""});
  EXPECT_EQ(stored.name, "b");
  EXPECT_EQ(stored.sealed_value, "sealed-" + std::to_string(b));
}

TEST_P(SecretsTest, ConcurrentRevisionsOfOneSecretAllTakeEffect) {
  const int64_t id = Add("counter");
  ASSERT_EQ(secrets().Revise(app_, {id, ""},
                             [](SecretRecord record) {
                               record.sealed_value = "0";
                               return std::optional(record);
                             }),
            Outcome::kOk);
  constexpr int kThreads = 8;
  constexpr int kIncrements = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        secrets().Revise(app_, {id, ""}, [](SecretRecord record) {
          record.sealed_value = std::to_string(std::stoi(record.sealed_value) + 1);
          return std::optional(record);
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(Find(app_, {id, ""})->sealed_value, std::to_string(kThreads * kIncrements));
}

TEST_P(SecretsTest, DeleteIsTheUnionOfIdsAndNames) {
  const int64_t a = Add("a");
  Add("b");
  Add("c");
  const int64_t foreign = Add("a", other_app_);
  EXPECT_EQ(secrets().Delete(app_, {false, {a}, {"a", "b"}}), kDeleted);
  EXPECT_EQ(Names(), std::vector<std::string>{"c"});
  EXPECT_TRUE(Find(other_app_, {foreign, ""})) << "same name, other application";
}

TEST_P(SecretsTest, DeleteIsAllOrNothing) {
  const int64_t a = Add("a");
  const int64_t foreign = Add("f", other_app_);
  EXPECT_EQ(secrets().Delete(app_, {false, {a, foreign}, {}}), kMissingId);
  EXPECT_EQ(secrets().Delete(app_, {false, {a}, {"a", "missing"}}), kMissingName);
  EXPECT_EQ(secrets().Delete(app_, {true, {a + 100}, {}}), kMissingId)
      << "'all' does not excuse a listed id that is not there";
  EXPECT_EQ(Names(), std::vector<std::string>{"a"});
  EXPECT_EQ(Names(other_app_), std::vector<std::string>{"f"});
}

TEST_P(SecretsTest, DeleteAllLeavesOtherApplications) {
  Add("a");
  Add("b");
  Add("c", other_app_);
  EXPECT_EQ(secrets().Delete(app_, {true, {}, {}}), kDeleted);
  EXPECT_TRUE(Names().empty());
  EXPECT_EQ(Names(other_app_), std::vector<std::string>{"c"});
}

TEST_P(SecretsTest, ConcurrentDeletesOfOneSecretSucceedOnce) {
  const int64_t id = Add("once");
  std::atomic<int> deleted = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      if (secrets().Delete(app_, {false, {id}, {}}) == kDeleted) ++deleted;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(deleted.load(), 1);
}

TEST_P(SecretsTest, ListPageAndTotalAgreeUnderConcurrentAdds) {
  std::atomic<bool> done = false;
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) Add("s" + std::to_string(i));
    done = true;
  });
  int lists = 0;
  while (!done || lists == 0) {
    const SecretPage page = List(app_, "", 0, 1000);
    ASSERT_EQ(static_cast<int64_t>(page.items.size()), page.total_count)
        << "a secret added between counting and paging";
    ++lists;
  }
  writer.join();
  EXPECT_EQ(List(app_, "", 0, 1000).total_count, 200);
}

TEST_P(SecretsTest, DataKeysAndMeta) {
  EXPECT_EQ(secrets().GetDataKey(app_).outcome(), Outcome::kNotFound);
  EXPECT_EQ(secrets().EnsureDataKey(app_, "k1").value(), "k1");
  EXPECT_EQ(secrets().EnsureDataKey(app_, "k2").value(), "k1")
      << "the first data key stays in force";
  EXPECT_EQ(meta().SetIfAbsent("check", "c1"), "c1");
  EXPECT_EQ(meta().SetIfAbsent("check", "c2"), "c1");
  const auto rotated = secrets().RotateDataKeys(
      [](const WrappedDataKey& key) { return key.wrapped + "-rewrapped"; }, "check", "c2");
  EXPECT_EQ(rotated.value(), 1);
  EXPECT_EQ(secrets().GetDataKey(app_).value(), "k1-rewrapped");
  EXPECT_EQ(meta().Get("check"), "c2");
  Reopen();
  EXPECT_EQ(secrets().GetDataKey(app_).value(), "k1-rewrapped");
}

TEST_P(SecretsTest, RotationRewrapsEveryDataKeyAtOnce) {
  secrets().EnsureDataKey(app_, "k-app");
  secrets().EnsureDataKey(other_app_, "k-other");
  meta().SetIfAbsent("check", "c1");
  const auto rotated = secrets().RotateDataKeys(
      [](const WrappedDataKey& key) { return "new:" + key.wrapped; }, "check", "c2");
  EXPECT_EQ(rotated.value(), 2);
  EXPECT_EQ(secrets().GetDataKey(app_).value(), "new:k-app");
  EXPECT_EQ(secrets().GetDataKey(other_app_).value(), "new:k-other");
  // A rewrap that fails (the old key does not open a data key) changes nothing at all.
  EXPECT_THROW(secrets().RotateDataKeys(
                   [&](const WrappedDataKey& key) -> std::string {
                     if (key.application_id == other_app_) throw std::runtime_error("no");
                     return "newer:" + key.wrapped;
                   },
                   "check", "c3"),
               std::runtime_error);
  EXPECT_EQ(secrets().GetDataKey(app_).value(), "new:k-app");
  EXPECT_EQ(meta().Get("check"), "c2");
}

TEST_P(SecretsTest, RotationIsRefusedWhileAnyServingLeaseIsHeld) {
  secrets().EnsureDataKey(app_, "k1");
  meta().SetIfAbsent("check", "c1");
  const auto rewrap = [](const WrappedDataKey& key) { return key.wrapped + "+"; };
  {
    // A server on another process or node holds a lease; the rotation runs here.
    const auto node = OpenAnother();
    const auto lease = node->meta().HoldServingLease("check", [] { ADD_FAILURE() << "fenced"; });
    EXPECT_EQ(secrets().RotateDataKeys(rewrap, "check", "c2").outcome(), Outcome::kBusy);
    EXPECT_EQ(secrets().GetDataKey(app_).value(), "k1");
    EXPECT_EQ(meta().Get("check"), "c1");
    // Leases are shared: a second server starts beside the first.
    const auto second = meta().HoldServingLease("check", [] { ADD_FAILURE() << "fenced"; });
    EXPECT_EQ(secrets().RotateDataKeys(rewrap, "check", "c2").outcome(), Outcome::kBusy);
  }
  // Once every server has stopped, the same rotation goes through.
  EXPECT_EQ(secrets().RotateDataKeys(rewrap, "check", "c2").value(), 1);
  EXPECT_EQ(secrets().GetDataKey(app_).value(), "k1+");
}

TEST_P(SecretsTest, NoServerStartsWhileARotationRuns) {
  secrets().EnsureDataKey(app_, "k1");
  const auto node = OpenAnother();
  bool tried = false;
  const auto rotated = secrets().RotateDataKeys(
      [&](const WrappedDataKey& key) {
        if (!tried) {  // inside the rotation's write, a server tries to start
          tried = true;
          try {
            node->meta().HoldServingLease("check", [] {});
            ADD_FAILURE() << "a lease was taken during a rotation";
          } catch (const StoreError& e) {
            EXPECT_NE(std::string(e.what()).find("rotation is in progress"), std::string::npos)
                << e.what();
          }
        }
        return key.wrapped + "+";
      },
      "check", "c2");
  EXPECT_TRUE(tried);
  EXPECT_EQ(rotated.value(), 1);
}

TEST_P(SecretsTest, ListDataKeysNamesEachApplication) {
  secrets().EnsureDataKey(other_app_, "k-other");
  secrets().EnsureDataKey(app_, "k-app");
  const auto keys = secrets().ListDataKeys();
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].application_id, app_);
  EXPECT_EQ(keys[0].wrapped, "k-app");
  EXPECT_EQ(keys[1].application_id, other_app_);
  EXPECT_EQ(keys[1].wrapped, "k-other");
}

TEST_P(SecretsTest, DeletingTheApplicationDeletesItsSecretsAndDataKey) {
  const int64_t id = Add("a");
  secrets().EnsureDataKey(app_, "k1");
  ASSERT_EQ(applications().Delete(account_.id, {false, {app_}, {}}), kDeleted);
  EXPECT_EQ(secrets().Find(app_, {id, ""}).outcome(), Outcome::kApplicationGone);
  EXPECT_EQ(secrets().GetDataKey(app_).outcome(), Outcome::kApplicationGone);
  EXPECT_TRUE(secrets().ListDataKeys().empty());
}

TEST_P(SecretsTest, FindSealedReadsTheSecretWithItsApplicationsDataKey) {
  const int64_t id = Add("a");
  Add("a", other_app_);
  const auto keyless = secrets().FindSealed(app_, {id, ""});
  ASSERT_TRUE(keyless.ok());
  EXPECT_EQ(keyless->record.id, id);
  EXPECT_EQ(keyless->wrapped_data_key, std::nullopt) << "its application has no data key";
  ASSERT_TRUE(secrets().EnsureDataKey(app_, "k-app").ok());
  ASSERT_TRUE(secrets().EnsureDataKey(other_app_, "k-other").ok());
  for (const SecretLookup& which : {SecretLookup{id, ""}, SecretLookup{std::nullopt, "a"}}) {
    const auto found = secrets().FindSealed(app_, which);
    ASSERT_TRUE(found.ok());
    EXPECT_EQ(found->record.id, id);
    EXPECT_EQ(found->record.application_id, app_);
    EXPECT_EQ(found->record.name, "a");
    EXPECT_EQ(found->record.sealed_value, Find(app_, {id, ""})->sealed_value);
    EXPECT_EQ(found->wrapped_data_key, "k-app") << "its own application's key";
  }
  EXPECT_EQ(secrets().FindSealed(app_, {std::nullopt, "b"}).outcome(), Outcome::kNotFound);
  EXPECT_EQ(secrets().FindSealed(other_app_, {id, ""}).outcome(), Outcome::kNotFound)
      << "another application's secret id";
  ASSERT_EQ(applications().Delete(account_.id, {false, {app_}, {}}), kDeleted);
  EXPECT_EQ(secrets().FindSealed(app_, {id, ""}).outcome(), Outcome::kApplicationGone);
}

INSTANTIATE_TEST_SUITE_P(Backends, SecretsTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
