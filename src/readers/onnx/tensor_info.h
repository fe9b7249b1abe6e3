// What shape inference knows about one value: element type, rank and dimensions (each known or
// not), and for small tensors the contents, so that shape arithmetic (Shape -> Gather -> Concat ->
// Reshape chains) folds to constants.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "readers/onnx/onnx_model.h"

namespace calflops::onnx {

/// Largest tensor whose contents inference computes (shape arithmetic stays far below this).
inline constexpr int64_t kMaxFoldElements = 4096;

struct TensorInfo {
  ValueKind kind = ValueKind::kTensor;
  int32_t elem = kUndefined;
  bool rank_known = false;
  std::vector<int64_t> dims;  ///< -1 for an unknown dimension
  /// Contents (row-major), when known: `ints` for integer and bool tensors, `reals` for floating.
  bool has_values = false;
  std::vector<int64_t> ints;
  std::vector<double> reals;
  /// Sequences: number of elements when known (-1 otherwise); the element's info is this info.
  int64_t seq_length = -1;
  /// Optionals: whether the value holds an element (-1 unknown).
  int8_t optional_has = -1;
  /// An initializer of the graph (a weight), possibly through Identity.
  bool initializer = false;

  static TensorInfo Unknown() { return {}; }
  static TensorInfo OfShape(int32_t elem, std::vector<int64_t> dims);
  static TensorInfo Ints(int32_t elem, std::vector<int64_t> dims, std::vector<int64_t> values);
  static TensorInfo Reals(int32_t elem, std::vector<int64_t> dims, std::vector<double> values);
  static TensorInfo FromTensor(const Tensor& t);

  /// Makes the rank known, with these dimensions (-1 for unknown ones).
  void SetShape(std::vector<int64_t> d) {
    rank_known = true;
    dims = std::move(d);
  }
  int rank() const { return static_cast<int>(dims.size()); }
  /// Every dimension known.
  bool IsStatic() const;
  /// Product of dims, -1 when not static.
  int64_t numel() const;
  /// Element i of the contents as an integer / a double (contents must be known).
  int64_t IntAt(size_t i) const;
  double RealAt(size_t i) const;
  /// All contents as integers (floating contents truncated); empty when unknown.
  std::vector<int64_t> AsInts() const;
  /// "(1, ?, 768)" or "?" for an unknown rank.
  std::string ShapeString() const;
};

/// Right-aligned (numpy) broadcast of dims; an unknown dim broadcast against 1 or an unknown
/// stays unknown, against a known d > 1 becomes d. Returns false when the shapes conflict.
bool BroadcastDims(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                   std::vector<int64_t>& out);

/// Normalises a possibly negative axis against a rank; returns -1 when out of range.
int NormalizeAxis(int64_t axis, int rank);

}  // namespace calflops::onnx
