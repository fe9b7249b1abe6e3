// Every run of the test binary gets a temporary directory of its own: tests name fixed
// directories under fs::temp_directory_path(), and two runs at once (ctest -j, or two
// developers on one machine) would otherwise clear each other's files mid-test.
// temp_directory_path() reads TMPDIR, and CLI runs started by the tests inherit it.
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <system_error>

namespace {

class PrivateTmpdir {
 public:
  PrivateTmpdir() {
    const char* base = getenv("TMPDIR");
    std::string pattern = std::string(base && *base ? base : "/tmp") + "/calflops-tests-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("calflops_tests: mkdtemp");  // keep the shared directory rather than fail
      return;
    }
    dir_ = pattern;
    setenv("TMPDIR", dir_.c_str(), 1);
  }
  ~PrivateTmpdir() {
    if (dir_.empty()) return;
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

 private:
  std::string dir_;
};

const PrivateTmpdir kPrivateTmpdir;

}  // namespace
