// Writing the report to a file without ever touching an input. The rule: the output may never
// be a file the run read or would have read (the model, a config beside weights, an index and
// its shards, a hardware profile, a file a directory scan would pick up), compared by device and
// inode after resolving links, and by resolved path for files that do not exist yet. The report
// goes to a temporary file beside the target, then is renamed over it: a failed write leaves
// the old file as it was.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/input_files.h"

namespace calflops {

/// Throws a usage error (exit 1) naming `output` and the input it would overwrite.
void RefuseInputAsOutput(const std::string& output, const std::vector<InputFile>& inputs);

/// Checks `output` against `inputs`, then writes `contents` to it through a temporary file and a
/// rename. A character device or FIFO (/dev/stdout, a pipe) is written in place.
void WriteOutputFile(const std::string& output, std::string_view contents,
                     const std::vector<InputFile>& inputs);

}  // namespace calflops
