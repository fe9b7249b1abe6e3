// Brute-force ONNX RNN / GRU / LSTM (onnx/docs/Operators.md, default activations) for the op
// proofs: every gate of every direction, step and batch row executed on random weights, each
// product and sum counted (scalar_ops.h). Sigmoid is neg, exp, add, div (4), as the cost table
// prices it.
#pragma once

#include <cstdint>
#include <random>

#include "model/op.h"

namespace reference {

struct RecurrentSpec {
  calflops::OpKind kind = calflops::OpKind::kRnn;  ///< kRnn, kGru or kLstm
  int64_t seq = 1, batch = 1, input = 1, hidden = 1, dirs = 1;
  bool bias = false;
  bool peepholes = false;            ///< LSTM's P input
  bool linear_before_reset = false;  ///< GRU
};

/// Runs the layer over a random sequence with random weights (initial states zero).
void RecurrentRef(const RecurrentSpec& spec, std::mt19937& rng);

}  // namespace reference
