#include "readers/file_bytes.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "model/error.h"
#include "model/input_files.h"

namespace calflops {
namespace file_bytes {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

int OpenRegular(const std::string& path, uint64_t* size) {
  // O_NONBLOCK: opening a named pipe (or a terminal) for reading would otherwise wait for a
  // writer forever, before the S_ISREG check below could refuse it. It changes nothing for the
  // reads of a regular file.
  NoteInputFile(path);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT) throw BadInput(path, "no such file");
    throw BadInput(path, std::string("cannot open: ") + std::strerror(errno));
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw BadInput(path, "not a regular file");
  }
  *size = static_cast<uint64_t>(st.st_size);
  return fd;
}

}  // namespace
}  // namespace file_bytes

uint64_t RegularFileSize(const std::string& path) {
  uint64_t size = 0;
  file_bytes::Fd f{file_bytes::OpenRegular(path, &size)};
  return size;
}

std::vector<uint8_t> ReadFileRange(const std::string& path, uint64_t offset, uint64_t n) {
  uint64_t size = 0;
  file_bytes::Fd f{file_bytes::OpenRegular(path, &size)};
  if (offset >= size) return {};
  n = std::min(n, size - offset);
  std::vector<uint8_t> out(n);
  uint64_t done = 0;
  while (done < n) {
    ssize_t got = ::pread(f.fd, out.data() + done, n - done, static_cast<off_t>(offset + done));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) throw BadInput(path, std::string("cannot read: ") + std::strerror(errno));
    if (got == 0) break;
    done += static_cast<uint64_t>(got);
  }
  out.resize(done);
  return out;
}

MappedFile::MappedFile(const std::string& path) {
  uint64_t size = 0;
  file_bytes::Fd f{file_bytes::OpenRegular(path, &size)};
  if (size == 0) return;
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, f.fd, 0);
  if (p == MAP_FAILED) throw BadInput(path, std::string("cannot map: ") + std::strerror(errno));
  data_ = static_cast<const uint8_t*>(p);
  size_ = size;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace calflops
