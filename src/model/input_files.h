// The files a run reads or looks for. Readers note every path they open or probe (a config.json
// beside a weights file, a shard an index names, a hardware profile), found or not, and every
// directory whose files of one extension they would read; `--output` is then refused when it
// names any of them (src/report_file.cc), so the tool can never overwrite its own input.
#pragma once

#include <string>
#include <vector>

namespace calflops {

/// As an InputFile's extension: every file anywhere under `path` (a cache the run reads from,
/// such as a Hugging Face cache repository: its refs, snapshots and blobs).
inline constexpr const char* kEverythingUnder = "/";

struct InputFile {
  std::string path;       ///< as the reader named it
  std::string extension;  ///< non-empty: every `path`/*`extension` file (a directory scan)
};

/// Records, while it lives, what the readers note on this thread. Nests: an inner log passes
/// its notes on to the outer one as well.
class InputFileLog {
 public:
  InputFileLog();
  ~InputFileLog();
  InputFileLog(const InputFileLog&) = delete;
  InputFileLog& operator=(const InputFileLog&) = delete;

  const std::vector<InputFile>& files() const { return files_; }

 private:
  friend void NoteInputFile(const std::string&, const std::string&);
  std::vector<InputFile> files_;
  InputFileLog* outer_;
};

/// A reader opens or looks for `path` (no-op when no log is active). With `extension`, `path`
/// is a directory whose every file ending in it would be read.
void NoteInputFile(const std::string& path, const std::string& extension = "");

}  // namespace calflops
