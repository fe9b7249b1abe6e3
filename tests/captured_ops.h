// An OpSink that keeps every op a Tracer emits, a repeated op once per execution: what the layer
// tests (src/archs/nn/*_test.cc, tracer_test.cc) read back.
#pragma once

#include <vector>

#include "model/tracer.h"

namespace calflops {

struct CapturedOps : OpSink {
  std::vector<Op> ops;
  void Emit(ModuleId, const Op& op) override { ops.push_back(op); }
  void EmitRepeated(ModuleId m, const Op& op, int64_t times) override {
    for (int64_t i = 0; i < times; ++i) Emit(m, op);
  }
};

}  // namespace calflops
