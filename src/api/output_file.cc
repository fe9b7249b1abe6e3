#include "api/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "model/error.h"

namespace calflops {
namespace {

namespace fs = std::filesystem;

/// `p` with every link followed (also a dangling last link, which a write would create) and
/// made absolute and normal; loops stop after 40 links, as the kernel's ELOOP does.
fs::path Resolve(const fs::path& p) {
  std::error_code ec;
  fs::path cur = fs::absolute(p, ec);
  if (ec) cur = p;
  for (int hops = 0; hops < 40; ++hops) {
    fs::path dir = fs::weakly_canonical(cur.parent_path(), ec);
    if (ec) dir = cur.parent_path();
    cur = dir / cur.filename();
    if (!fs::is_symlink(fs::symlink_status(cur, ec))) break;
    fs::path target = fs::read_symlink(cur, ec);
    if (ec) break;
    cur = target.is_absolute() ? target : dir / target;
  }
  return cur.lexically_normal();
}

bool SameFile(const fs::path& a, const fs::path& b) {
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0) {
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
  }
  return Resolve(a) == Resolve(b);  // one does not exist (yet): the path it would have
}

/// Whether `p` (resolved) is `dir` or lies anywhere under it, compared by device and inode for
/// each of p's ancestors that exists (a bind mount or a link to the directory is the directory).
bool Under(const fs::path& p, const fs::path& dir) {
  struct stat sd;
  bool have_dir = ::stat(dir.c_str(), &sd) == 0;
  fs::path rdir = Resolve(dir);
  for (fs::path a = p; !a.empty(); a = a.parent_path()) {
    struct stat sa;
    if (have_dir && ::stat(a.c_str(), &sa) == 0 && sa.st_dev == sd.st_dev && sa.st_ino == sd.st_ino)
      return true;
    if (a == rdir) return true;
    if (a == a.parent_path()) break;
  }
  return false;
}

Error CannotWrite(const std::string& output, const std::string& why) {
  return Error(ExitCode::kBadInput, "--output", Quote(output, 256) + ": cannot write: " + why);
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

void WriteAll(int fd, std::string_view s, const std::string& output) {
  while (!s.empty()) {
    ssize_t n = ::write(fd, s.data(), s.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw CannotWrite(output, std::strerror(errno));
    s.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

void RefuseInputAsOutput(const std::string& output, const std::vector<InputFile>& inputs) {
  fs::path out = Resolve(output);
  for (const InputFile& in : inputs) {
    bool tree = in.extension == kEverythingUnder;
    bool clash = tree ? Under(out, in.path)
                 : in.extension.empty()
                     ? SameFile(output, in.path)
                     : out.extension() == in.extension && SameFile(out.parent_path(), in.path);
    if (clash) {
      std::string what = tree ? "lies in " + Quote(in.path, 256) + ", which this run reads from"
                         : in.extension.empty()
                             ? "is an input of this run" +
                                   (in.path == output ? std::string() : ": " + Quote(in.path, 256))
                             : "would be read as an input by this run (every " +
                                   Quote("*" + in.extension) + " file in " + Quote(in.path, 256) +
                                   ")";
      throw Error(ExitCode::kUsage, "--output", Quote(output, 256) + " " + what);
    }
  }
}

void WriteOutputFile(const std::string& output, std::string_view contents,
                     const std::vector<InputFile>& inputs) {
  RefuseInputAsOutput(output, inputs);
  // What the name is now, as the kernel resolves it: /dev/stdout is a link to /proc/self/fd/1,
  // whose "target" (pipe:[N], /dev/pts/0) is not a path to resolve by hand.
  struct stat st;
  bool exists = ::stat(output.c_str(), &st) == 0;
  if (exists && S_ISDIR(st.st_mode)) throw CannotWrite(output, "it is a directory");
  if (exists && !S_ISREG(st.st_mode)) {  // /dev/stdout, a pipe: nothing to replace
    // Non-blocking open: a FIFO nobody reads is an error (ENXIO), not a hang.
    Fd f{::open(output.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)};
    if (f.fd < 0 && errno == ENXIO) throw CannotWrite(output, "a FIFO that no process reads");
    if (f.fd < 0) throw CannotWrite(output, std::strerror(errno));
    int flags = ::fcntl(f.fd, F_GETFL);
    if (flags >= 0) ::fcntl(f.fd, F_SETFL, flags & ~O_NONBLOCK);
    WriteAll(f.fd, contents, output);
    return;
  }
  fs::path target = Resolve(output);
  exists = ::stat(target.c_str(), &st) == 0;
  std::string tmp =
      (target.parent_path() / ("." + target.filename().string() + ".calflops-XXXXXX")).string();
  Fd f{::mkstemp(tmp.data())};
  if (f.fd < 0) throw CannotWrite(output, std::strerror(errno));
  try {
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(f.fd, exists ? (st.st_mode & 07777) : (0666 & ~mask));
    WriteAll(f.fd, contents, output);
    if (::close(f.fd) != 0) {
      f.fd = -1;
      throw CannotWrite(output, std::strerror(errno));
    }
    f.fd = -1;
    if (::rename(tmp.c_str(), target.c_str()) != 0) throw CannotWrite(output, std::strerror(errno));
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
}

}  // namespace calflops
