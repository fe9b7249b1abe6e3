// A dense row-major tensor of doubles for the brute-force reference, with numpy semantics
// (right-aligned broadcasting, batched matmul). Every arithmetic goes through scalar_ops.h.
#pragma once

#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <vector>

#include "reference/scalar_ops.h"

namespace reference {

class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::vector<int64_t> shape, double fill = 0.0);
  static Tensor Random(std::vector<int64_t> shape, std::mt19937& rng, double scale = 0.5);

  const std::vector<int64_t>& shape() const { return shape_; }
  int64_t dim(int i) const { return shape_[static_cast<size_t>(i < 0 ? i + rank() : i)]; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t numel() const { return static_cast<int64_t>(data_.size()); }
  double& at(int64_t i) { return data_[static_cast<size_t>(i)]; }
  double at(int64_t i) const { return data_[static_cast<size_t>(i)]; }
  std::vector<double>& data() { return data_; }
  const std::vector<double>& data() const { return data_; }

  /// Same data, new shape (element counts must match).
  Tensor Reshape(std::vector<int64_t> shape) const;
  /// Swaps two dimensions (copies; no arithmetic).
  Tensor Transpose(int a, int b) const;
  /// Slice [begin, end) along dim.
  Tensor Slice(int dim, int64_t begin, int64_t end) const;
  /// Element at a multi-index.
  double& operator()(const std::vector<int64_t>& idx);

 private:
  std::vector<int64_t> shape_;
  std::vector<double> data_;
};

/// Tensor::Random at its default scale: the weights of a tiny reference model.
inline Tensor Rand(std::vector<int64_t> shape, std::mt19937& rng) {
  return Tensor::Random(std::move(shape), rng);
}

/// Concatenation along `dim` (no arithmetic).
Tensor Cat(const std::vector<Tensor>& parts, int dim);

/// Elementwise binary op with numpy broadcasting; `op` is one of the counted scalar helpers.
Tensor Binary(const Tensor& a, const Tensor& b, double (*op)(double, double));
/// Tensor (op) scalar.
Tensor WithScalar(const Tensor& a, double s, double (*op)(double, double));
/// Elementwise unary.
Tensor Map(const Tensor& a, const std::function<double(double)>& f);
/// Batched matmul with numpy broadcasting of batch dims (both operands rank >= 2).
Tensor MatMul(const Tensor& a, const Tensor& b);
/// x @ W^T (+ b): W is (out, in), like F.linear.
Tensor Linear(const Tensor& x, const Tensor& w, const Tensor* bias);
/// Reductions over the last dimension, keepdim.
Tensor MeanLast(const Tensor& a);
Tensor SumLast(const Tensor& a);
/// torch.topk over the last dimension by partial selection: pass j scans the n - j values not
/// yet taken, one counted comparison per value after the first. Returns the values (..., k).
Tensor TopKLast(const Tensor& a, int64_t k);
/// Numerically stable softmax over the last dimension.
Tensor SoftmaxLast(const Tensor& a);
/// Row gather from an embedding table.
Tensor Gather(const Tensor& table, const std::vector<int64_t>& ids, std::vector<int64_t> shape);

}  // namespace reference
