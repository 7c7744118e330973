// A fresh SQLite database file in its own temporary directory, removed at the end of the test.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>

#include "kyoso/store/store.h"

namespace kyoso::campaign::testing {

class TempDb {
 public:
  TempDb() {
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("kyoso_campaign_" + std::to_string(::getpid()) + "_" + info->test_suite_name() + "_" +
            info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~TempDb() { std::filesystem::remove_all(dir_); }
  std::string path(const std::string& name = "kyoso.db") const { return (dir_ / name).string(); }
  std::unique_ptr<store::Store> Open(const std::string& name = "kyoso.db") const {
    return store::OpenStore(path(name));
  }

 private:
  std::filesystem::path dir_;
};

}  // namespace kyoso::campaign::testing
