// Module-by-module comparison of a profile with the brute-force reference's counts.
#pragma once

#include <gtest/gtest.h>

#include "analysis/profile.h"
#include "reference/scalar_ops.h"

namespace reference {

/// Every module of the profile (own + descendants) against the reference's counts for the same
/// dotted path.
inline void ExpectModulesMatch(const calflops::Profile& p) {
  for (calflops::ModuleId id = 0; id < static_cast<calflops::ModuleId>(p.tree.size()); ++id) {
    std::string path = p.tree.Path(id);
    auto ref = Counter::Get().Subtree(path);
    const auto& s = p.stats[static_cast<size_t>(id)];
    EXPECT_EQ(s.macs, calflops::Count(ref.macs)) << "MACs of '" << path << "'";
    EXPECT_EQ(s.flops, calflops::Count(ref.flops)) << "FLOPs of '" << path << "'";
  }
}

}  // namespace reference
