#include "readers/onnx/sparse_image.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "model/error.h"
#include "model/input_files.h"

namespace calflops::onnx {
namespace {

/// A varint at p (at most `n` bytes available); 0 bytes consumed when malformed.
size_t Varint(const char* p, size_t n, uint64_t& v) {
  v = 0;
  for (size_t i = 0; i < n && i < 10; ++i) {
    auto b = static_cast<uint8_t>(p[i]);
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) return i + 1;
  }
  return 0;
}

/// Data fields of a TensorProto whose payload the parser never needs when it is large:
/// float_data, int32_data, int64_data, raw_data, double_data, uint64_data.
bool IsDataField(uint64_t field) {
  return field == 4 || field == 5 || field == 7 || field == 9 || field == 10 || field == 11;
}

}  // namespace

SparseImage::SparseImage(const std::string& path) : path_(path) {
  NoteInputFile(path);
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd_ < 0) throw BadInput(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw BadInput(path, "not a regular file");
  }
  size_ = static_cast<uint64_t>(st.st_size);
  if (size_ == 0) return;
  void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    ::close(fd_);
    throw BadInput(path, std::string("cannot map: ") + std::strerror(errno));
  }
  data_ = static_cast<char*>(p);
  // Where the wire format breaks, the parser stops with its error: it needs the bytes up to
  // that point (read by the walk) and the field there, not the rest of the file (a 4 GiB file of
  // zeros was read whole, into 4 GiB of memory).
  if (!Walk(0, size_, 0)) Copy(fail_at_, kFailWindow);
  ::close(fd_);
  fd_ = -1;
}

SparseImage::~SparseImage() {
  if (data_) ::munmap(data_, size_);
  if (fd_ >= 0) ::close(fd_);
}

void SparseImage::Need(uint64_t offset, uint64_t n, uint64_t chunk) {
  // Bytes already read as part of the last range need no second read.
  uint64_t end = offset + n;
  if (offset >= have_begin_ && offset <= have_end_) {
    if (end <= have_end_) return;
    offset = have_end_;
  }
  uint64_t len = std::max(end - offset, std::min(chunk, size_ - std::min(offset, size_)));
  Copy(offset, len);
  if (offset != have_end_) have_begin_ = offset;
  have_end_ = std::min(offset + len, size_);
}

void SparseImage::Copy(uint64_t offset, uint64_t n) {
  n = std::min(n, size_ - std::min(offset, size_));
  uint64_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(fd_, data_ + offset + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw BadInput(path_, std::string("cannot read: ") + std::strerror(errno));
    if (got == 0) break;  // the file shrank: the parser finds zeros and says so
    done += static_cast<uint64_t>(got);
  }
  read_ += done;
}

bool SparseImage::Walk(uint64_t begin, uint64_t end, int level) {
  uint64_t at = begin;
  while (at < end) {
    // A field's key and length take at most 20 bytes; they are copied (they are file bytes the
    // parser reads anyway, and any overlap with a payload is that payload's own bytes).
    size_t head = static_cast<size_t>(std::min<uint64_t>(20, end - at));
    // Read ahead in small chunks: graph fields are small and many; a chunk reaches at most a
    // page or two into a payload that is then skipped.
    Need(at, head, 4096);
    const char* p = data_ + at;
    uint64_t key = 0, len = 0;
    fail_at_ = at;
    size_t k = Varint(p, head, key);
    if (k == 0) return false;
    uint64_t field = key >> 3;
    if (field == 0 || field > 0x1fffffff) return false;  // the parser's "bad field number"
    uint64_t body = at + k;                              // first byte after the key
    switch (key & 7) {
      case 0: {  // varint
        uint64_t v = 0;
        size_t n = Varint(p + k, head - k, v);
        if (n == 0) return false;
        at = body + n;
        continue;
      }
      case 1:
        at = body + 8;
        if (at > end) return false;
        Need(body, 8, 4096);
        continue;
      case 5:
        at = body + 4;
        if (at > end) return false;
        Need(body, 4, 4096);
        continue;
      case 2:
        break;
      default:
        return false;  // groups and invalid wire types: left to the parser
    }
    size_t n = Varint(p + k, head - k, len);
    if (n == 0) return false;
    uint64_t payload = body + n;
    if (payload > end || len > end - payload) return false;
    bool recurse = (level == 0 && field == 7) || (level == 1 && field == 5);
    if (recurse) {
      if (!Walk(payload, payload + len, level + 1)) return false;
    } else if (!(level == 2 && IsDataField(field) && len > kSkippedPayload)) {
      Need(payload, len, 4096);
    }
    at = payload + len;
  }
  return at == end;
}

}  // namespace calflops::onnx
