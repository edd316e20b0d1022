// The export file (SPEC 16, docs/formats.md): what is written reads back exactly with the same
// passphrase and with no other; a file cut anywhere or changed in any byte is refused as a whole;
// a hostile header cannot make the reader spend unbounded memory.

#include "service/export_file.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

namespace coffer::service {
namespace {

// Cheap parameters keep the byte-by-byte tests fast; the format is the same.
constexpr crypto::ScryptParams kFast{1024, 8, 1};
constexpr std::string_view kPassphrase = "correct horse battery staple";

ApplicationExport Sample() {
  ApplicationExport data;
  data.application = "web";
  data.exported_at = 1'800'000'000;
  data.secrets.push_back(ExportedSecret{"db_password", common::SecureString("p@ss \"word\"\n+&="),
                                        "the database", 1'700'000'000, 1'700'000'100});
  data.secrets.push_back(
      ExportedSecret{"Api2", common::SecureString("значение"), std::nullopt, 5, 6});
  data.items.push_back(store::KvItem{"order:1", "+15551234567", 1'800'003'600});
  data.items.push_back(store::KvItem{"ключ", "", 1'800'000'001});
  return data;
}

void ExpectSame(const ApplicationExport& a, const ApplicationExport& b) {
  EXPECT_EQ(a.application, b.application);
  EXPECT_EQ(a.exported_at, b.exported_at);
  ASSERT_EQ(a.secrets.size(), b.secrets.size());
  for (std::size_t i = 0; i < a.secrets.size(); ++i) {
    EXPECT_EQ(a.secrets[i].name, b.secrets[i].name);
    EXPECT_EQ(a.secrets[i].value.view(), b.secrets[i].value.view());
    EXPECT_EQ(a.secrets[i].description, b.secrets[i].description);
    EXPECT_EQ(a.secrets[i].created, b.secrets[i].created);
    EXPECT_EQ(a.secrets[i].modified, b.secrets[i].modified);
  }
  ASSERT_EQ(a.items.size(), b.items.size());
  for (std::size_t i = 0; i < a.items.size(); ++i) {
    EXPECT_EQ(a.items[i].key, b.items[i].key);
    EXPECT_EQ(a.items[i].value, b.items[i].value);
    EXPECT_EQ(a.items[i].expires_at, b.items[i].expires_at);
  }
}

std::string ErrorOf(std::string_view text, std::string_view passphrase = kPassphrase) {
  try {
    ReadExportFile(text, passphrase);
  } catch (const ExportFileError& e) {
    return e.what();
  }
  return "";
}

TEST(ExportFileTest, ReadsBackWhatItWrote) {
  const ApplicationExport data = Sample();
  const std::string text = WriteExportFile(data, kPassphrase, kFast);
  ExpectSame(ReadExportFile(text, kPassphrase), data);
  EXPECT_EQ(text.find("p@ss"), std::string::npos) << "values are sealed";
  EXPECT_EQ(text.find("the database"), std::string::npos) << "descriptions are sealed";
  EXPECT_NE(text.find("+15551234567"), std::string::npos) << "items are not secrets";
  // One JSON object per line: the header, 2 secrets, 2 items, the end record.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 6);
  EXPECT_EQ(text.back(), '\n');
  SCOPED_TRACE("the last newline is optional");
  ExpectSame(ReadExportFile(text.substr(0, text.size() - 1), kPassphrase), data);
}

TEST(ExportFileTest, EachExportHasItsOwnSaltAndNonces) {
  const ApplicationExport data = Sample();
  EXPECT_NE(WriteExportFile(data, kPassphrase, kFast), WriteExportFile(data, kPassphrase, kFast));
}

TEST(ExportFileTest, AnEmptyApplicationExports) {
  ApplicationExport empty;
  empty.application = "empty";
  const std::string text = WriteExportFile(empty, kPassphrase, kFast);
  const ApplicationExport read = ReadExportFile(text, kPassphrase);
  EXPECT_EQ(read.application, "empty");
  EXPECT_TRUE(read.secrets.empty());
  EXPECT_TRUE(read.items.empty());
}

TEST(ExportFileTest, TheDefaultParametersAreScryptsRecommended) {
  const std::string text = WriteExportFile(Sample(), kPassphrase);
  const auto header = boost::json::parse(text.substr(0, text.find('\n'))).as_object();
  EXPECT_EQ(header.at("kdf").at("n").to_number<int64_t>(), 131072);
  EXPECT_EQ(header.at("kdf").at("r").to_number<int64_t>(), 8);
  EXPECT_EQ(header.at("cipher").as_string(), "AES-256-GCM");
  EXPECT_EQ(ReadExportFile(text, kPassphrase).secrets.size(), 2U);
}

TEST(ExportFileTest, AnotherPassphraseIsRefused) {
  const std::string text = WriteExportFile(Sample(), kPassphrase, kFast);
  EXPECT_EQ(ErrorOf(text, "correct horse battery stapler"),
            "wrong passphrase: the export does not open with it");
  EXPECT_EQ(ErrorOf(text, ""), "wrong passphrase: the export does not open with it");
}

TEST(ExportFileTest, AFileCutAnywhereIsRefused) {
  const std::string text = WriteExportFile(Sample(), kPassphrase, kFast);
  for (std::size_t length = 0; length + 1 < text.size(); ++length) {
    EXPECT_NE(ErrorOf(text.substr(0, length)), "") << "cut at byte " << length;
  }
  const std::size_t end_line = text.rfind('\n', text.size() - 2) + 1;
  EXPECT_EQ(ErrorOf(text.substr(0, end_line)),
            "the export is truncated: it ends at line 5 without its end record");
  EXPECT_EQ(ErrorOf(""), "not a Coffer export: the file is empty");
}

TEST(ExportFileTest, AnyChangedByteIsRefused) {
  const std::string text = WriteExportFile(Sample(), kPassphrase, kFast);
  for (std::size_t at = 0; at < text.size(); ++at) {
    for (const unsigned char flip : {0x01}) {
      std::string changed = text;
      changed[at] = static_cast<char>(changed[at] ^ flip);
      EXPECT_NE(ErrorOf(changed), "") << "byte " << at << " ^ " << int{flip};
    }
  }
  // A line moved, dropped or repeated is a change too.
  const std::size_t second = text.find('\n') + 1;
  const std::size_t third = text.find('\n', second) + 1;
  const std::string line = text.substr(second, third - second);
  EXPECT_EQ(ErrorOf(text.substr(0, second) + text.substr(third)),
            "the export was changed or damaged: its content does not match its end record");
  EXPECT_NE(ErrorOf(text.substr(0, third) + line + text.substr(third)), "");
}

TEST(ExportFileTest, ContentAfterTheEndRecordIsRefused) {
  const std::string text = WriteExportFile(Sample(), kPassphrase, kFast);
  EXPECT_EQ(ErrorOf(text + "{\"item\":{\"key\":\"x\",\"value\":\"y\",\"expires_at\":1}}\n"),
            "the export has content after its end record, from line 7");
}

// A header rewritten by someone (the MAC key depends on it, so these fail before any entry).
std::string WithHeader(const std::string& text,
                       const std::function<void(boost::json::object&)>& edit) {
  const std::size_t end = text.find('\n');
  auto header = boost::json::parse(text.substr(0, end)).as_object();
  edit(header);
  return boost::json::serialize(header) + text.substr(end);
}

TEST(ExportFileTest, AHostileHeaderIsRefusedBeforeAnyWork) {
  const std::string text = WriteExportFile(Sample(), kPassphrase, kFast);
  EXPECT_EQ(ErrorOf(WithHeader(text, [](auto& h) { h["kdf"].as_object()["n"] = 1 << 30; })),
            "line 1: the scrypt parameters are outside the range this build accepts");
  EXPECT_EQ(ErrorOf(WithHeader(text, [](auto& h) { h["kdf"].as_object()["n"] = 1000; })),
            "line 1: the scrypt parameters are outside the range this build accepts");
  EXPECT_EQ(ErrorOf(WithHeader(text, [](auto& h) { h["kdf"].as_object()["r"] = 1000; })),
            "line 1: the scrypt parameters are outside the range this build accepts");
  EXPECT_EQ(ErrorOf(WithHeader(text, [](auto& h) { h["kdf"].as_object()["name"] = "md5"; })),
            "line 1: unknown key derivation \"md5\"");
  EXPECT_EQ(ErrorOf(WithHeader(text, [](auto& h) { h["version"] = 2; })),
            "this export has format version 2; this build reads 1");
  EXPECT_EQ(ErrorOf(WithHeader(text, [](auto& h) { h["cipher"] = "none"; })),
            "line 1: unknown cipher");
  EXPECT_EQ(ErrorOf(WithHeader(text, [](auto& h) { h.erase("check"); })),
            "line 1: has no \"check\"");
  EXPECT_EQ(ErrorOf(WithHeader(text, [](auto& h) { h["check"] = "!!"; })),
            "line 1: \"check\" is not base64url");
  EXPECT_EQ(ErrorOf("{\"hello\":1}\n"),
            "not a Coffer export: its first line is not an export header");
  EXPECT_EQ(ErrorOf("\x89PNG\r\n"), "not a Coffer export: its first line is not an export header");
}

}  // namespace
}  // namespace coffer::service
