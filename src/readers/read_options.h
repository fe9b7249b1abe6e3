// Options shared by the weights-file readers.
#pragma once

namespace calflops {

struct ReadOptions {
  /// Accept files whose tensor data region is missing or shorter than the headers declare (a
  /// header-only copy): the extents are still checked against each other, not against the file
  /// size. The readers never read tensor data either way.
  bool header_only = false;
};

}  // namespace calflops
