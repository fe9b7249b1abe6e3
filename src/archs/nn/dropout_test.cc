// nn.Dropout prints as PyTorch prints it.
#include "archs/nn/dropout.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

TEST(Dropout, Repr) {
  ModuleTree tree;
  EXPECT_EQ(tree[BuildDropout(tree, tree.root(), "d", 0.1)].extra_repr, "p=0.1, inplace=False");
  EXPECT_EQ(tree[BuildDropout(tree, tree.root(), "e", 0.0)].extra_repr, "p=0.0, inplace=False");
  EXPECT_EQ(tree.SubtreeParams()[0], Count(0));
}

}  // namespace
}  // namespace calflops
