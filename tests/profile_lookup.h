// A module's stats in a profile by its dotted path, for tests: a path that names no module fails
// the test and reads as zero stats (never past the end of the stats).
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "analysis/profile.h"

namespace calflops {

inline const ModuleStats& At(const Profile& p, const std::string& path) {
  ModuleId id = p.tree.Find(path);
  EXPECT_NE(id, kNoModule) << path;
  static const ModuleStats none{};
  return id == kNoModule ? none : p.stats[static_cast<size_t>(id)];
}

}  // namespace calflops
