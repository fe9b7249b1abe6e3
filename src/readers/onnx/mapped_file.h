// A read-only memory map of a whole file. Readers parse headers in place and never fault in the
// pages they skip (weights), so opening a 100 GB model costs what its header costs.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace calflops {

class MappedFile {
 public:
  /// Maps `path` read-only. Throws a located Error (kBadInput): missing, a directory, unreadable.
  static std::shared_ptr<const MappedFile> Open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  const void* data_ = nullptr;
  uint64_t size_ = 0;
  std::string path_;
};

}  // namespace calflops
