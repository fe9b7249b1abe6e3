// Bounded access to files on disk for the readers: sizes, a prefix read, and a read-only memory
// map through which a parser touches only the pages it reads (tensor data pages stay unread).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace calflops {

/// Size of a regular file; throws "<path>: no such file" / "not a regular file".
uint64_t RegularFileSize(const std::string& path);

/// Bytes [offset, offset + n) of a file; fewer when the file ends first.
std::vector<uint8_t> ReadFileRange(const std::string& path, uint64_t offset, uint64_t n);

/// A read-only private mapping of a whole file. Empty files map to an empty span.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const uint8_t> bytes() const { return {data_, size_}; }

 private:
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace calflops
