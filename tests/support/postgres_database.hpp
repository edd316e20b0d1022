#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>

#include "store/postgres/connection.hpp"

namespace coffer::testing_support {

// The variable naming the test cluster's URL (a role that may create databases).
inline constexpr const char* kPostgresUrlVariable = "COFFER_TEST_POSTGRES_URL";

// A fresh, empty database on the test cluster, dropped (with any sessions left on it) when
// this object is destroyed. Without the variable the test fails with a message saying how to
// get a cluster: a PostgreSQL test never passes by skipping.
class PostgresDatabase {
 public:
  PostgresDatabase() : admin_url_(AdminUrl()), name_(UniqueName()) {
    Admin().Script(("CREATE DATABASE " + name_).c_str());
    url_ = WithDatabase(admin_url_, name_);
  }
  ~PostgresDatabase() {
    try {
      Admin().Script(("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)").c_str());
    } catch (const store::StoreError&) {
      // The cluster is thrown away after the run; a leftover database harms nothing.
    }
  }
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  // The URL of this database, for PostgresOptions or `--postgres`.
  const std::string& url() const { return url_; }
  // The URL of the cluster's own test database, for what must not run inside this one.
  const std::string& admin_url() const { return admin_url_; }
  const std::string& name() const { return name_; }

  // `url` with its database replaced by `database`: the path of a URI, or a later dbname
  // keyword of a key=value string (the last one wins).
  static std::string WithDatabase(const std::string& url, const std::string& database) {
    const auto scheme = url.find("://");
    if (url.rfind("postgres", 0) != 0 || scheme == std::string::npos) {
      return url + " dbname=" + database;
    }
    const auto query = url.find('?', scheme);
    const auto path = url.find('/', scheme + 3);
    const auto authority_end = path == std::string::npos || path > query ? query : path;
    const std::string base = url.substr(0, authority_end);
    const std::string rest = query == std::string::npos ? "" : url.substr(query);
    return base + "/" + database + rest;
  }

 private:
  static std::string AdminUrl() {
    const char* url = std::getenv(kPostgresUrlVariable);
    if (url == nullptr || *url == '\0') {
      throw std::runtime_error(
          std::string(kPostgresUrlVariable) +
          " is not set, so the PostgreSQL tests cannot run: scripts/test.sh sets it, or start a "
          "cluster with `scripts/pg-test-cluster.sh start DIR` and export the URL it prints");
    }
    return url;
  }

  static std::string UniqueName() {
    static std::atomic<int> counter{0};
    std::random_device random;
    return "coffer_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
           std::to_string(random() % 1'000'000);
  }

  store::postgres::Connection Admin() const {
    return store::postgres::Connection(store::postgres::ConnectionOptions{.url = admin_url_});
  }

  std::string admin_url_;
  std::string name_;
  std::string url_;
};

}  // namespace coffer::testing_support
