// An ONNX file's bytes at their own offsets, without the bytes of large tensor payloads: the
// parser reads a graph of a few megabytes out of a file of hundreds, so only that should become
// resident. A read-only file mapping does not give this: a page fault maps the whole (large)
// page-cache folio around it, so skipping 400 MB of weights in a cached file left 110 MB
// resident. Instead the image is an anonymous mapping of the file's size, never touched except
// where pread() copies the structure into it; payloads of more than kSkippedPayload bytes in an
// initializer's data fields stay unread zero pages (the parser keeps tensor values only for at
// most onnx::kMaxKeptInts integers and kMaxKeptReals reals, far below that).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace calflops::onnx {

/// A data field of an initializer longer than this is not read.
inline constexpr uint64_t kSkippedPayload = 64 * 1024;
/// Bytes read from where the wire format breaks: the field the parser reports there.
inline constexpr uint64_t kFailWindow = 64 * 1024;

class SparseImage {
 public:
  /// Reads `path`'s protobuf structure into the image. Where the wire format breaks, the bytes
  /// from there (kFailWindow of them) are copied, so the parser, which stops at the same place,
  /// sees the real bytes and reports them as usual.
  explicit SparseImage(const std::string& path);
  ~SparseImage();
  SparseImage(const SparseImage&) = delete;
  SparseImage& operator=(const SparseImage&) = delete;

  std::string_view bytes() const { return {data_, size_}; }
  /// Bytes read from the file (the rest are zero pages never touched).
  uint64_t bytes_read() const { return read_; }

 private:
  /// Makes [offset, offset + n) present, reading at least `chunk` bytes when it reads.
  void Need(uint64_t offset, uint64_t n, uint64_t chunk);
  void Copy(uint64_t offset, uint64_t n);
  /// Walks the fields of the message at [begin, end): level 0 ModelProto, 1 GraphProto,
  /// 2 TensorProto. False when the wire format does not hold together (at fail_at_).
  bool Walk(uint64_t begin, uint64_t end, int level);

  int fd_ = -1;
  char* data_ = nullptr;
  uint64_t size_ = 0;
  uint64_t read_ = 0;
  uint64_t have_begin_ = 0, have_end_ = 0;  ///< the range read last
  uint64_t fail_at_ = 0;                    ///< the field the walk stopped at
  std::string path_;
};

}  // namespace calflops::onnx
