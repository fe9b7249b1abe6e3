#include "model/py_format.h"

#include <gtest/gtest.h>

namespace calflops {
namespace {

// Expected strings are what Python 3's repr() prints.
TEST(PyFormat, FloatRepr) {
  EXPECT_EQ(PyFloatRepr(1e-05), "1e-05");
  EXPECT_EQ(PyFloatRepr(1e-06), "1e-06");
  EXPECT_EQ(PyFloatRepr(1e-12), "1e-12");
  EXPECT_EQ(PyFloatRepr(0.0001), "0.0001");
  EXPECT_EQ(PyFloatRepr(1.5e-05), "1.5e-05");
  EXPECT_EQ(PyFloatRepr(10000.0), "10000.0");
  EXPECT_EQ(PyFloatRepr(1e16), "1e+16");
  EXPECT_EQ(PyFloatRepr(0.1), "0.1");
  EXPECT_EQ(PyFloatRepr(500000.0), "500000.0");
  EXPECT_EQ(PyFloatRepr(-2.5), "-2.5");
}

TEST(PyFormat, TupleRepr) {
  EXPECT_EQ(PyTupleRepr({4096}), "(4096,)");
  EXPECT_EQ(PyTupleRepr({14, 14}), "(14, 14)");
}

}  // namespace
}  // namespace calflops
