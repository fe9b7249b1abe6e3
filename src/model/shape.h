// Tensor shapes: a small fixed-capacity dimension list (no heap), with element counts and
// broadcasting. Dimensions are validated by whoever creates them (readers, builders).
//
// A shape may also carry the identity of the tensor it describes (tensor_id): the Tracer stamps
// every op output with a fresh id, so the memory analysis can tell that q_proj, k_proj and v_proj
// read one tensor, when a tensor is last used, and what requires a gradient. Id 0 means "not
// known" (a shape the architecture wrote out itself). Ids never affect equality or counts.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "model/count.h"

namespace calflops {

/// Highest tensor rank the library represents; a larger rank is reported as bad input.
inline constexpr int kMaxRank = 8;

class Shape {
 public:
  Shape() = default;
  Shape(std::initializer_list<int64_t> dims);

  int rank() const { return rank_; }
  int64_t operator[](int i) const { return dims_[static_cast<size_t>(i)]; }
  int64_t& operator[](int i) { return dims_[static_cast<size_t>(i)]; }
  /// Dimension counted from the end: back(0) is the last dimension.
  int64_t back(int i = 0) const { return dims_[static_cast<size_t>(rank_ - 1 - i)]; }
  void push_back(int64_t d);
  const int64_t* begin() const { return dims_.data(); }
  const int64_t* end() const { return dims_.data() + rank_; }

  /// Product of all dimensions (1 for a scalar).
  Count numel() const;
  /// Product of all dimensions except the last `n`.
  Count leading(int n) const;
  /// This shape with the last dimension replaced.
  Shape WithLast(int64_t d) const;
  /// "(1, 128, 4096)"
  std::string ToString() const;

  /// Identity of the tensor (0 = unknown); see the file comment.
  uint64_t tensor_id() const { return id_; }
  void set_tensor_id(uint64_t id) { id_ = id; }

  /// Compares dimensions only (not tensor ids).
  friend bool operator==(const Shape& a, const Shape& b);

 private:
  std::array<int64_t, kMaxRank> dims_{};
  int rank_ = 0;
  uint64_t id_ = 0;
};

/// Tensor ids with this bit set name tensors that never require a gradient (constants, buffers
/// and values computed from them only, integer inputs).
inline constexpr uint64_t kConstantTensorBit = uint64_t{1} << 63;
/// Tensor ids with this bit set name a module's own parameter used as an operand (RMSNorm's
/// `self.weight * hidden`): weight traffic, not an activation, never saved for backward.
inline constexpr uint64_t kParamTensorBit = uint64_t{1} << 62;

/// Numpy/PyTorch broadcasting: dimensions aligned on the right, size-1 dimensions stretch.
/// Throws if the shapes are incompatible.
Shape Broadcast(const Shape& a, const Shape& b);

/// calflops' element count for `a (+|*) b`: dimensions aligned on the LEFT, a missing dimension
/// counts as 1, product of the per-dimension maxima. Wrong for mixed ranks; kept to reproduce it.
Count LeftAlignedBroadcastCount(const Shape& a, const Shape& b);

}  // namespace calflops
