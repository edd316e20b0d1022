// Secrets, data keys and metadata of SqliteStore. Sealed fields are opaque bytes here; the
// encryption itself is tested in crypto/ and service/.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store_fixture.hpp"

namespace coffer::store::sqlite {
namespace {

class SqliteSecretsTest : public SqliteStoreTest {
 protected:
  SqliteSecretsTest()
      : account_(MakeAccount("dev")),
        app_(store_->CreateApplication(account_.id, "app", false, 1000, 0).id),
        other_app_(store_->CreateApplication(account_.id, "other", false, 1000, 0).id) {}

  int64_t Add(const std::string& name, int64_t application_id = 0) {
    return store_
        ->AddSecret(application_id == 0 ? app_ : application_id, name, 1000,
                    [&](int64_t id) {
                      return SealedSecretFields{"sealed-" + std::to_string(id), std::nullopt};
                    })
        .id;
  }

  std::vector<std::string> Names(int64_t application_id = 0) {
    std::vector<std::string> names;
    for (const auto& secret :
         store_->ListSecrets(application_id == 0 ? app_ : application_id, "", 0, 1000).items) {
      names.push_back(secret.name);
    }
    return names;
  }

  Account account_;
  int64_t app_;
  int64_t other_app_;
};

TEST_F(SqliteSecretsTest, AddSealsWithTheNewId) {
  const int64_t id = Add("a");
  const auto stored = store_->FindSecretById(app_, id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->sealed_value, "sealed-" + std::to_string(id));
  EXPECT_EQ(stored->sealed_description, std::nullopt);
  EXPECT_EQ(store_->FindSecretByName(app_, "a")->id, id);
  EXPECT_EQ(store_->FindSecretByName(app_, "A"), std::nullopt) << "names are case-sensitive";
}

TEST_F(SqliteSecretsTest, TakenNameIsAConflictAndAddsNothing) {
  Add("a");
  EXPECT_THROW(Add("a"), Conflict);
  EXPECT_EQ(Names(), std::vector<std::string>{"a"});
  EXPECT_NO_THROW(Add("a", other_app_)) << "names are unique per application";
}

TEST_F(SqliteSecretsTest, ListFiltersByLiteralCaseInsensitiveSubstring) {
  for (const char* name : {"db_pass", "dbXpass", "API%key", "other"}) Add(name);
  const auto names_matching = [&](std::string_view part) {
    std::vector<std::string> names;
    for (const auto& s : store_->ListSecrets(app_, part, 0, 100).items) names.push_back(s.name);
    return names;
  };
  EXPECT_EQ(names_matching("DB_"), std::vector<std::string>{"db_pass"});
  EXPECT_EQ(names_matching("%"), std::vector<std::string>{"API%key"});
  EXPECT_EQ(names_matching("pass"), (std::vector<std::string>{"db_pass", "dbXpass"}));
  const SecretPage page = store_->ListSecrets(app_, "", 1, 2);
  EXPECT_EQ(page.total_count, 4);
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].name, "dbXpass");
  EXPECT_TRUE(page.items[0].sealed_value.empty()) << "listings carry no sealed values";
}

TEST_F(SqliteSecretsTest, ReviseWritesWhatTheCallbackReturns) {
  const int64_t id = Add("a");
  const bool found = store_->ReviseSecret(app_, {id, ""}, [](SecretRecord record) {
    record.name = "b";
    record.sealed_description = "sealed-description";
    record.modified = 2000;
    return std::optional(record);
  });
  EXPECT_TRUE(found);
  const auto stored = *store_->FindSecretById(app_, id);
  EXPECT_EQ(stored.name, "b");
  EXPECT_EQ(stored.sealed_description, "sealed-description");
  EXPECT_EQ(stored.created, 1000);
  EXPECT_EQ(stored.modified, 2000);
}

TEST_F(SqliteSecretsTest, ReviseByNameAndUnchanged) {
  const int64_t id = Add("a");
  int calls = 0;
  EXPECT_TRUE(store_->ReviseSecret(app_, {std::nullopt, "a"}, [&](const SecretRecord& record) {
    ++calls;
    EXPECT_EQ(record.id, id);
    return std::optional<SecretRecord>();
  }));
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(store_->FindSecretById(app_, id)->modified, 1000);
}

TEST_F(SqliteSecretsTest, ReviseOfMissingOrForeignSecretFindsNothing) {
  const int64_t foreign = Add("x", other_app_);
  const auto never = [](const SecretRecord&) -> std::optional<SecretRecord> {
    ADD_FAILURE() << "revise called for a secret that is not there";
    return std::nullopt;
  };
  EXPECT_FALSE(store_->ReviseSecret(app_, {foreign, ""}, never));
  EXPECT_FALSE(store_->ReviseSecret(app_, {std::nullopt, "x"}, never));
  EXPECT_FALSE(store_->ReviseSecret(app_, {foreign + 100, ""}, never));
}

TEST_F(SqliteSecretsTest, ReviseToATakenNameIsAConflictAndChangesNothing) {
  Add("a");
  const int64_t b = Add("b");
  EXPECT_THROW(store_->ReviseSecret(app_, {b, ""},
                                    [](SecretRecord record) {
                                      record.name = "a";
                                      record.sealed_value = "changed";
                                      return std::optional(record);
                                    }),
               Conflict);
  const auto stored = *store_->FindSecretById(app_, b);
  EXPECT_EQ(stored.name, "b");
  EXPECT_EQ(stored.sealed_value, "sealed-" + std::to_string(b));
}

TEST_F(SqliteSecretsTest, ConcurrentRevisionsOfOneSecretAllTakeEffect) {
  const int64_t id = Add("counter");
  store_->ReviseSecret(app_, {id, ""}, [](SecretRecord record) {
    record.sealed_value = "0";
    return std::optional(record);
  });
  constexpr int kThreads = 8;
  constexpr int kIncrements = 50;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        store_->ReviseSecret(app_, {id, ""}, [](SecretRecord record) {
          record.sealed_value = std::to_string(std::stoi(record.sealed_value) + 1);
          return std::optional(record);
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(store_->FindSecretById(app_, id)->sealed_value, std::to_string(kThreads * kIncrements));
}

TEST_F(SqliteSecretsTest, DeleteIsTheUnionOfIdsAndNames) {
  const int64_t a = Add("a");
  Add("b");
  Add("c");
  const int64_t foreign = Add("a", other_app_);
  EXPECT_EQ(store_->DeleteSecrets(app_, {false, {a}, {"a", "b"}}), SelectionMiss::kNone);
  EXPECT_EQ(Names(), std::vector<std::string>{"c"});
  EXPECT_TRUE(store_->FindSecretById(other_app_, foreign)) << "same name, other application";
}

TEST_F(SqliteSecretsTest, DeleteIsAllOrNothing) {
  const int64_t a = Add("a");
  const int64_t foreign = Add("f", other_app_);
  EXPECT_EQ(store_->DeleteSecrets(app_, {false, {a, foreign}, {}}), SelectionMiss::kId);
  EXPECT_EQ(store_->DeleteSecrets(app_, {false, {a}, {"a", "missing"}}), SelectionMiss::kName);
  EXPECT_EQ(store_->DeleteSecrets(app_, {true, {a + 100}, {}}), SelectionMiss::kId)
      << "'all' does not excuse a listed id that is not there";
  EXPECT_EQ(Names(), std::vector<std::string>{"a"});
  EXPECT_EQ(Names(other_app_), std::vector<std::string>{"f"});
}

TEST_F(SqliteSecretsTest, DeleteAllLeavesOtherApplications) {
  Add("a");
  Add("b");
  Add("c", other_app_);
  EXPECT_EQ(store_->DeleteSecrets(app_, {true, {}, {}}), SelectionMiss::kNone);
  EXPECT_TRUE(Names().empty());
  EXPECT_EQ(Names(other_app_), std::vector<std::string>{"c"});
}

TEST_F(SqliteSecretsTest, ConcurrentDeletesOfOneSecretSucceedOnce) {
  const int64_t id = Add("once");
  std::atomic<int> deleted = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      if (store_->DeleteSecrets(app_, {false, {id}, {}}) == SelectionMiss::kNone) ++deleted;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(deleted.load(), 1);
}

TEST_F(SqliteSecretsTest, DataKeysAndMeta) {
  EXPECT_EQ(store_->GetDataKey(app_), std::nullopt);
  EXPECT_EQ(store_->EnsureDataKey(app_, "k1"), "k1");
  EXPECT_EQ(store_->EnsureDataKey(app_, "k2"), "k1") << "the first data key stays in force";
  EXPECT_EQ(store_->SetMetaIfAbsent("check", "c1"), "c1");
  EXPECT_EQ(store_->SetMetaIfAbsent("check", "c2"), "c1");
  store_->ReplaceDataKeys({{app_, "k1-rewrapped"}}, "check", "c2");
  EXPECT_EQ(store_->GetDataKey(app_), "k1-rewrapped");
  EXPECT_EQ(store_->GetMeta("check"), "c2");
  Reopen();
  EXPECT_EQ(store_->GetDataKey(app_), "k1-rewrapped");
}

TEST_F(SqliteSecretsTest, DeletingTheApplicationDeletesItsSecretsAndDataKey) {
  const int64_t id = Add("a");
  store_->EnsureDataKey(app_, "k1");
  store_->DeleteApplications(account_.id, {false, {app_}, {}});
  EXPECT_EQ(store_->FindSecretById(app_, id), std::nullopt);
  EXPECT_EQ(store_->GetDataKey(app_), std::nullopt);
}

}  // namespace
}  // namespace coffer::store::sqlite
