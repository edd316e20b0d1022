// AuditTrail: the stored form of a record, the chain's hash, listing, and `verify` naming the
// first record that was changed, removed or inserted behind its back (here, in the SQLite file).

#include "service/audit_trail.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "store/open.hpp"
#include "store/sqlite/connection.hpp"
#include "support/fake_clock.hpp"
#include "support/temp_dir.hpp"

namespace coffer::service {
namespace {

AuditEvent Event(std::string method, std::optional<int64_t> application, int code = 0) {
  return AuditEvent{.time = 0,
                    .account_id = 1,
                    .key_id = "key-1",
                    .client = "192.0.2.1",
                    .method = std::move(method),
                    .application_id = application,
                    .secrets = {"name:db"},
                    .named = {},
                    .error_code = code};
}

class AuditTrailTest : public ::testing::Test {
 protected:
  AuditTrailTest() { clock_.Set(1'800'000'000); }

  // Five records: times 1,800,000,000 + 0..4, applications 1, 2, 1, none, 1.
  void RecordFive() {
    const std::optional<int64_t> apps[] = {1, 2, 1, std::nullopt, 1};
    for (int i = 0; i < 5; ++i) {
      trail_.Record(Event("GetSecretValue", apps[i], i == 3 ? 100 : 0));
      clock_.Advance(1);
    }
  }

  // Runs `sql` on the database file, as someone with access to it would.
  void Tamper(const char* sql) { store::sqlite::Connection(path_, 1000, false).Exec(sql); }

  std::vector<boost::json::object> Listed(int64_t since, std::optional<int64_t> application) {
    std::vector<boost::json::object> lines;
    trail_.List(since, application, [&](const std::string& line) {
      lines.push_back(boost::json::parse(line).as_object());
    });
    return lines;
  }

  testing_support::TempDir dir_;
  std::string path_ = dir_.File("coffer.db");
  testing_support::FakeClock clock_;
  std::unique_ptr<store::Store> store_ = store::Open({.sqlite_path = path_});
  AuditTrail trail_{store_->audit(), clock_};
};

TEST_F(AuditTrailTest, TheEntryIsCanonicalJsonWithoutValues) {
  AuditEvent event = Event("DelSecret", 3, 496);
  event.time = 1'800'000'123;
  event.secrets = {"id:1;2", "name:a\"b"};
  EXPECT_EQ(
      AuditTrail::Entry(event),
      R"({"time":1800000123,"account_id":1,"key_id":"key-1","client":"192.0.2.1",)"
      R"("method":"DelSecret","application_id":3,"secrets":["id:1;2","name:a\"b"],"named":[],)"
      R"("code":496})");
  event.application_id.reset();
  EXPECT_NE(AuditTrail::Entry(event).find(R"("application_id":null)"), std::string::npos);
}

TEST_F(AuditTrailTest, TheHashIsSha256OfThePreviousHashTheNumberAndTheEntry) {
  EXPECT_EQ(AuditTrail::Hash(store::kAuditGenesis, 1, "{}"),
            "857ee6299d26533d1f5f46c02209ae8bc34dc4898a8a9545493946b4ea59d6f3");
}

TEST_F(AuditTrailTest, ListFiltersByTimeAndApplication) {
  RecordFive();
  const auto all = Listed(0, std::nullopt);
  ASSERT_EQ(all.size(), 5U);
  EXPECT_EQ(all[0].at("seq"), 1);
  EXPECT_EQ(all[0].at("time"), 1'800'000'000) << "the clock's time";
  EXPECT_EQ(all[3].at("code"), 100);
  EXPECT_EQ(all[4].at("hash").as_string().size(), 64U);
  EXPECT_EQ(Listed(1'800'000'002, std::nullopt).size(), 3U);
  const auto app1 = Listed(0, 1);
  ASSERT_EQ(app1.size(), 3U);
  EXPECT_EQ(app1[1].at("seq"), 3);
  EXPECT_EQ(Listed(1'800'000'003, 1).size(), 1U);
}

TEST_F(AuditTrailTest, AnIntactChainVerifies) {
  EXPECT_TRUE(trail_.Verify().intact) << "an empty log is intact";
  RecordFive();
  const AuditVerdict verdict = trail_.Verify();
  EXPECT_TRUE(verdict.intact) << verdict.problem;
  EXPECT_EQ(verdict.records, 5);
  EXPECT_EQ(verdict.head_hash, Listed(0, std::nullopt).back().at("hash").as_string());
}

TEST_F(AuditTrailTest, AWellChainedRecordPastTheHeadIsNamed) {
  RecordFive();
  const auto last = Listed(0, std::nullopt).back();
  const std::string prev(last.at("hash").as_string());
  const std::string entry = AuditTrail::Entry(Event("forged", 1));
  store::sqlite::Connection c(path_, 1000, false);
  store::sqlite::StatementUse(c,
                              "INSERT INTO audit_log (seq, time, application_id, entry, "
                              "prev_hash, hash) VALUES (6, 0, 1, ?, ?, ?)")
      .Bind(1, entry)
      .Bind(2, prev)
      .Bind(3, AuditTrail::Hash(prev, 6, entry))
      .Run();
  const AuditVerdict verdict = trail_.Verify();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_bad, 6);
  EXPECT_NE(verdict.problem.find("record 6 lies past the head"), std::string::npos)
      << verdict.problem;
}

struct Tampering {
  const char* what;
  const char* sql;
  int64_t first_bad;
  const char* says;
};

class AuditTamperTest : public AuditTrailTest, public ::testing::WithParamInterface<Tampering> {};

TEST_P(AuditTamperTest, VerifyNamesTheFirstBadRecord) {
  RecordFive();
  Tamper(GetParam().sql);
  const AuditVerdict verdict = trail_.Verify();
  EXPECT_FALSE(verdict.intact);
  EXPECT_EQ(verdict.first_bad, GetParam().first_bad) << verdict.problem;
  EXPECT_NE(verdict.problem.find(GetParam().says), std::string::npos) << verdict.problem;
}

INSTANTIATE_TEST_SUITE_P(
    Tamperings, AuditTamperTest,
    ::testing::Values(
        Tampering{"entry changed",
                  "UPDATE audit_log SET entry = replace(entry, '\"code\":100', '\"code\":0') "
                  "WHERE seq = 4",
                  4, "record 4 was changed"},
        Tampering{"entry and its hash changed",
                  "UPDATE audit_log SET entry = replace(entry, 'key-1', 'key-2'), "
                  "hash = 'f' || substr(hash, 2) WHERE seq = 2",
                  2, "record 2 was changed"},
        Tampering{"filter column changed", "UPDATE audit_log SET application_id = 9 WHERE seq = 1",
                  1, "record 1 was changed: its columns differ"},
        Tampering{"record removed", "DELETE FROM audit_log WHERE seq = 3", 3,
                  "record 3 is missing"},
        Tampering{"last record removed", "DELETE FROM audit_log WHERE seq = 5", 5,
                  "records after 4 were removed"},
        Tampering{"record inserted",
                  "UPDATE audit_log SET seq = seq + 10 WHERE seq >= 3; "
                  "UPDATE audit_log SET seq = seq - 9 WHERE seq >= 13; "
                  "INSERT INTO audit_log (seq, time, application_id, entry, prev_hash, hash) "
                  "SELECT 3, time, application_id, entry, prev_hash, hash FROM audit_log WHERE "
                  "seq = 2",
                  3, "record 3 does not follow"}),
    [](const ::testing::TestParamInfo<Tampering>& info) {
      std::string name = info.param.what;
      for (char& c : name) {
        if (c == ' ') c = '_';
      }
      return name;
    });

}  // namespace
}  // namespace coffer::service
