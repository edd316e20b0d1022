// TransferStore conformance (SPEC 16 export and import), on every backend: Read gives one
// application's whole content in one snapshot; Import loads a batch in one write, creating the
// application and its data key when missing, refusing clashes unless asked to replace, and
// leaving nothing behind (not even its audit record) when it refuses.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "conformance.hpp"

namespace coffer::store {
namespace {

constexpr int64_t kNow = 1'800'000'000;

// Seals "v<index>@<secret id>" and remembers what the store asked of it.
class RecordingSealer final : public ImportSealer {
 public:
  std::string WrapNewDataKey(int64_t application_id) override {
    ++wrapped;
    return "wrapped-for-" + std::to_string(application_id);
  }
  void UseDataKey(int64_t application_id, const std::string& wrapped_key) override {
    used_application = application_id;
    used_key = wrapped_key;
  }
  SealedSecretFields Seal(std::size_t index, int64_t secret_id) override {
    EXPECT_FALSE(used_key.empty()) << "UseDataKey comes first";
    SealedSecretFields sealed{"v" + std::to_string(index) + "@" + std::to_string(secret_id),
                              std::nullopt};
    if (index == 0) sealed.description = "d0@" + std::to_string(secret_id);
    return sealed;
  }

  int wrapped = 0;
  int64_t used_application = 0;
  std::string used_key;
};

SealNewSecret SealAs(const std::string& value) {
  return [value](int64_t) { return SealedSecretFields{value, std::nullopt}; };
}

class TransferTest : public StoreConformanceTest {
 protected:
  TransferStore& transfers() { return store_->transfers(); }

  ApplicationImport Batch(int64_t account_id, const std::string& short_name,
                          std::vector<std::string> secret_names,
                          std::vector<std::string> item_keys) {
    ApplicationImport batch{.account_id = account_id,
                            .short_name = short_name,
                            .max_applications = 0,
                            .replace = false,
                            .now = kNow,
                            .secrets = {},
                            .items = {}};
    for (const auto& name : secret_names) batch.secrets.push_back({name, kNow - 100, kNow - 50});
    for (const auto& key : item_keys) batch.items.push_back({key, "new " + key, kNow + 3600});
    return batch;
  }

  // The application's content, or fails the test.
  ApplicationContents Contents(int64_t account_id, const std::string& short_name) {
    auto contents = transfers().Read(account_id, short_name, kNow);
    EXPECT_TRUE(contents.has_value()) << short_name;
    return contents.value_or(ApplicationContents{});
  }
};

TEST_P(TransferTest, ReadGivesTheWholeApplicationAndLiveItemsOnly) {
  const Account dev = MakeAccount("dev");
  const Account other = MakeAccount("other");
  const Application app = applications().Create(dev.id, "web", false, kNow, 0).value();
  ASSERT_TRUE(secrets().EnsureDataKey(app.id, "wrapped").ok());
  const int64_t first = secrets().Add(app.id, "first", kNow - 10, SealAs("s1")).value().id;
  const int64_t second = secrets().Add(app.id, "second", kNow - 5, SealAs("s2")).value().id;
  ASSERT_EQ(key_value().Put(app.id, {"b", "live b", kNow + 10}), Outcome::kOk);
  ASSERT_EQ(key_value().Put(app.id, {"a", "live a", kNow + 20}), Outcome::kOk);
  ASSERT_EQ(key_value().Put(app.id, {"c", "expired", kNow}), Outcome::kOk);

  const ApplicationContents contents = Contents(dev.id, "web");
  EXPECT_EQ(contents.application.id, app.id);
  EXPECT_EQ(contents.wrapped_data_key, "wrapped");
  ASSERT_EQ(contents.secrets.size(), 2U);
  EXPECT_EQ(contents.secrets[0].id, first);
  EXPECT_EQ(contents.secrets[0].name, "first");
  EXPECT_EQ(contents.secrets[0].sealed_value, "s1");
  EXPECT_EQ(contents.secrets[0].created, kNow - 10);
  EXPECT_EQ(contents.secrets[1].id, second);
  ASSERT_EQ(contents.items.size(), 2U);
  EXPECT_EQ(contents.items[0].key, "a");
  EXPECT_EQ(contents.items[0].value, "live a");
  EXPECT_EQ(contents.items[0].expires_at, kNow + 20);
  EXPECT_EQ(contents.items[1].key, "b");

  EXPECT_FALSE(transfers().Read(other.id, "web", kNow)) << "another account's application";
  EXPECT_FALSE(transfers().Read(dev.id, "nosuch", kNow));
  const Application empty = applications().Create(dev.id, "empty", false, kNow, 0).value();
  const ApplicationContents nothing = Contents(dev.id, "empty");
  EXPECT_EQ(nothing.application.id, empty.id);
  EXPECT_EQ(nothing.wrapped_data_key, std::nullopt);
  EXPECT_TRUE(nothing.secrets.empty());
  EXPECT_TRUE(nothing.items.empty());
}

TEST_P(TransferTest, ImportCreatesTheApplicationWithANewDataKey) {
  const Account dev = MakeAccount("dev");
  RecordingSealer sealer;
  const ImportOutcome done =
      transfers().Import(Batch(dev.id, "copy", {"alpha", "beta"}, {"k1", "k2"}), sealer);
  ASSERT_EQ(done.outcome, Outcome::kOk);
  EXPECT_TRUE(done.summary.created_application);
  EXPECT_EQ(done.summary.secrets_added, 2);
  EXPECT_EQ(done.summary.items_added, 2);
  EXPECT_EQ(done.summary.secrets_replaced + done.summary.items_replaced, 0);
  EXPECT_EQ(sealer.wrapped, 1);
  EXPECT_EQ(sealer.used_application, done.summary.application.id);

  const auto found = applications().FindByShortName(dev.id, "copy");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, done.summary.application.id);
  EXPECT_EQ(found->modified, kNow);
  Reopen();
  const ApplicationContents contents = Contents(dev.id, "copy");
  EXPECT_EQ(contents.wrapped_data_key, "wrapped-for-" + std::to_string(found->id));
  ASSERT_EQ(contents.secrets.size(), 2U);
  const SecretRecord& alpha = contents.secrets[0];
  EXPECT_EQ(alpha.name, "alpha");
  EXPECT_EQ(alpha.sealed_value, "v0@" + std::to_string(alpha.id)) << "sealed for its own id";
  EXPECT_EQ(alpha.sealed_description, "d0@" + std::to_string(alpha.id));
  EXPECT_EQ(alpha.created, kNow - 100);
  EXPECT_EQ(alpha.modified, kNow - 50);
  EXPECT_EQ(contents.secrets[1].sealed_value, "v1@" + std::to_string(contents.secrets[1].id));
  EXPECT_EQ(contents.secrets[1].sealed_description, std::nullopt);
  ASSERT_EQ(contents.items.size(), 2U);
  EXPECT_EQ(contents.items[0].value, "new k1");
  EXPECT_EQ(contents.items[0].expires_at, kNow + 3600);
  // The ids come from the same sequence as AddSecret's.
  const int64_t next = secrets().Add(found->id, "later", kNow, SealAs("x")).value().id;
  EXPECT_GT(next, contents.secrets[1].id);
}

TEST_P(TransferTest, ImportIntoAnExistingApplicationUsesItsDataKey) {
  const Account dev = MakeAccount("dev");
  const Application app = applications().Create(dev.id, "web", false, kNow, 0).value();
  ASSERT_TRUE(secrets().EnsureDataKey(app.id, "existing").ok());
  RecordingSealer sealer;
  const ImportOutcome done = transfers().Import(Batch(dev.id, "web", {"alpha"}, {}), sealer);
  ASSERT_EQ(done.outcome, Outcome::kOk);
  EXPECT_FALSE(done.summary.created_application);
  EXPECT_EQ(done.summary.application.id, app.id);
  EXPECT_EQ(sealer.wrapped, 0) << "never a second data key";
  EXPECT_EQ(sealer.used_key, "existing");
  EXPECT_EQ(secrets().GetDataKey(app.id).value(), "existing");

  // An application without a data key yet gets one.
  const Application bare = applications().Create(dev.id, "bare", false, kNow, 0).value();
  RecordingSealer second;
  ASSERT_EQ(transfers().Import(Batch(dev.id, "bare", {"alpha"}, {}), second).outcome, Outcome::kOk);
  EXPECT_EQ(second.wrapped, 1);
  EXPECT_EQ(secrets().GetDataKey(bare.id).value(), "wrapped-for-" + std::to_string(bare.id));
}

TEST_P(TransferTest, ClashesAreRefusedAndChangeNothing) {
  const Account dev = MakeAccount("dev");
  const Application app = applications().Create(dev.id, "web", false, kNow, 0).value();
  ASSERT_TRUE(secrets().EnsureDataKey(app.id, "existing").ok());
  ASSERT_TRUE(secrets().Add(app.id, "taken", kNow, SealAs("old")).ok());
  ASSERT_EQ(key_value().Put(app.id, {"live", "old", kNow + 10}), Outcome::kOk);
  ASSERT_EQ(key_value().Put(app.id, {"expired", "old", kNow}), Outcome::kOk);
  const ApplicationContents before = Contents(dev.id, "web");
  const std::size_t audit_before = audit().Rows(0, 1000).size();

  RecordingSealer sealer;
  ImportOutcome refused;
  {
    AuditScope scope(
        [] { return AuditAppend{.time = kNow, .application_id = std::nullopt, .entry = "import"}; },
        [](const std::string&, int64_t, const std::string&) { return "h"; });
    refused = transfers().Import(
        Batch(dev.id, "web", {"fresh", "taken"}, {"newkey", "live", "expired"}), sealer);
    EXPECT_FALSE(scope.appended());
  }
  EXPECT_EQ(refused.outcome, Outcome::kConflict);
  EXPECT_EQ(refused.clash, "taken");
  EXPECT_TRUE(refused.clash_is_secret);
  EXPECT_EQ(refused.clashes, 2) << "the secret and the live item; an expired item is no clash";

  const ApplicationContents after = Contents(dev.id, "web");
  ASSERT_EQ(after.secrets.size(), before.secrets.size()) << "nothing added";
  EXPECT_EQ(after.secrets[0].sealed_value, "old");
  ASSERT_EQ(after.items.size(), before.items.size());
  EXPECT_EQ(after.items[0].value, "old");
  EXPECT_EQ(key_value().Get(app.id, "newkey", kNow).outcome(), Outcome::kNotFound);
  EXPECT_EQ(audit().Rows(0, 1000).size(), audit_before) << "no record of a refused import";

  // An item clash alone names the item.
  RecordingSealer items_only;
  const ImportOutcome item_clash =
      transfers().Import(Batch(dev.id, "web", {"fresh"}, {"live"}), items_only);
  EXPECT_EQ(item_clash.outcome, Outcome::kConflict);
  EXPECT_EQ(item_clash.clash, "live");
  EXPECT_FALSE(item_clash.clash_is_secret);
  EXPECT_EQ(item_clash.clashes, 1);
}

TEST_P(TransferTest, ReplaceOverwritesInPlaceAndKeepsTheRest) {
  const Account dev = MakeAccount("dev");
  const Application app = applications().Create(dev.id, "web", false, kNow, 0).value();
  ASSERT_TRUE(secrets().EnsureDataKey(app.id, "existing").ok());
  const SecretRecord taken = secrets().Add(app.id, "taken", kNow - 1000, SealAs("old")).value();
  ASSERT_TRUE(secrets().Add(app.id, "mine", kNow, SealAs("mine")).ok());
  ASSERT_EQ(key_value().Put(app.id, {"live", "old", kNow + 10}), Outcome::kOk);
  ASSERT_EQ(key_value().Put(app.id, {"untouched", "old", kNow + 10}), Outcome::kOk);

  ApplicationImport batch = Batch(dev.id, "web", {"taken", "fresh"}, {"live", "newkey"});
  batch.replace = true;
  RecordingSealer sealer;
  const ImportOutcome done = transfers().Import(batch, sealer);
  ASSERT_EQ(done.outcome, Outcome::kOk);
  EXPECT_EQ(done.summary.secrets_replaced, 1);
  EXPECT_EQ(done.summary.secrets_added, 1);
  EXPECT_EQ(done.summary.items_replaced, 1);
  EXPECT_EQ(done.summary.items_added, 1);

  const auto replaced = secrets().Find(app.id, {std::nullopt, "taken"}).value();
  EXPECT_EQ(replaced.id, taken.id) << "the row keeps its id";
  EXPECT_EQ(replaced.sealed_value, "v0@" + std::to_string(taken.id));
  EXPECT_EQ(replaced.created, kNow - 1000) << "and its creation time";
  EXPECT_EQ(replaced.modified, kNow - 50);
  EXPECT_EQ(secrets().Find(app.id, {std::nullopt, "mine"}).value().sealed_value, "mine");
  EXPECT_EQ(key_value().Get(app.id, "live", kNow).value().value, "new live");
  EXPECT_EQ(key_value().Get(app.id, "untouched", kNow).value().value, "old");
}

TEST_P(TransferTest, CreatingPastTheLimitIsRefused) {
  const Account dev = MakeAccount("dev");
  ASSERT_TRUE(applications().Create(dev.id, "one", false, kNow, 0).ok());
  ApplicationImport batch = Batch(dev.id, "two", {"alpha"}, {"k"});
  batch.max_applications = 1;
  RecordingSealer sealer;
  EXPECT_EQ(transfers().Import(batch, sealer).outcome, Outcome::kLimitExceeded);
  EXPECT_FALSE(applications().FindByShortName(dev.id, "two"));
  batch.short_name = "one";  // an existing application is no creation
  EXPECT_EQ(transfers().Import(batch, sealer).outcome, Outcome::kOk);
}

TEST_P(TransferTest, EachAccountImportsIntoItsOwnApplication) {
  const Account dev = MakeAccount("dev");
  const Account other = MakeAccount("other");
  const Application theirs = applications().Create(other.id, "web", false, kNow, 0).value();
  ASSERT_TRUE(secrets().EnsureDataKey(theirs.id, "theirs").ok());
  ASSERT_TRUE(secrets().Add(theirs.id, "alpha", kNow, SealAs("theirs")).ok());
  RecordingSealer sealer;
  const ImportOutcome done = transfers().Import(Batch(dev.id, "web", {"alpha"}, {}), sealer);
  ASSERT_EQ(done.outcome, Outcome::kOk) << "the same name in another account is no clash";
  EXPECT_TRUE(done.summary.created_application);
  EXPECT_NE(done.summary.application.id, theirs.id);
  EXPECT_EQ(secrets().Find(theirs.id, {std::nullopt, "alpha"}).value().sealed_value, "theirs");
}

TEST_P(TransferTest, ASuccessfulImportCarriesItsAuditRecord) {
  const Account dev = MakeAccount("dev");
  const std::size_t before = audit().Rows(0, 1000).size();
  RecordingSealer sealer;
  {
    AuditScope scope(
        [] { return AuditAppend{.time = kNow, .application_id = std::nullopt, .entry = "import"}; },
        [](const std::string&, int64_t seq, const std::string&) {
          return "h" + std::to_string(seq);
        });
    ASSERT_EQ(transfers().Import(Batch(dev.id, "copy", {"alpha"}, {"k"}), sealer).outcome,
              Outcome::kOk);
    EXPECT_TRUE(scope.appended());
  }
  const auto rows = audit().Rows(0, 1000);
  ASSERT_EQ(rows.size(), before + 1);
  EXPECT_EQ(rows.back().entry, "import");
}

INSTANTIATE_TEST_SUITE_P(Backends, TransferTest, ::testing::ValuesIn(ConformanceBackends()),
                         BackendName);

}  // namespace
}  // namespace coffer::store
