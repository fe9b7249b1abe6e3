#include "readers/onnx/tensor_info.h"

#include <cmath>

namespace calflops::onnx {

TensorInfo TensorInfo::OfShape(int32_t elem, std::vector<int64_t> dims) {
  TensorInfo t;
  t.elem = elem;
  t.rank_known = true;
  t.dims = std::move(dims);
  return t;
}

TensorInfo TensorInfo::Ints(int32_t elem, std::vector<int64_t> dims, std::vector<int64_t> values) {
  TensorInfo t = OfShape(elem, std::move(dims));
  t.has_values = true;
  t.ints = std::move(values);
  return t;
}

TensorInfo TensorInfo::Reals(int32_t elem, std::vector<int64_t> dims, std::vector<double> values) {
  TensorInfo t = OfShape(elem, std::move(dims));
  t.has_values = true;
  t.reals = std::move(values);
  return t;
}

TensorInfo TensorInfo::FromTensor(const Tensor& src) {
  TensorInfo t = OfShape(src.data_type, src.dims);
  t.initializer = true;
  if (src.has_values) {
    t.has_values = true;
    t.ints = src.ints;
    t.reals = src.reals;
  }
  return t;
}

bool TensorInfo::IsStatic() const {
  if (!rank_known || kind != ValueKind::kTensor) return false;
  for (int64_t d : dims)
    if (d < 0) return false;
  return true;
}

int64_t TensorInfo::numel() const {
  if (!IsStatic()) return -1;
  int64_t n = 1;
  for (int64_t d : dims) {
    if (__builtin_mul_overflow(n, d, &n)) return -1;
  }
  return n;
}

int64_t TensorInfo::IntAt(size_t i) const {
  if (!ints.empty()) return ints[i];
  double v = reals[i];
  if (std::isnan(v)) return 0;
  if (!(std::fabs(v) < 9.2e18)) return v > 0 ? INT64_MAX : INT64_MIN;
  return static_cast<int64_t>(v);
}

double TensorInfo::RealAt(size_t i) const {
  if (!reals.empty()) return reals[i];
  return static_cast<double>(ints[i]);
}

std::vector<int64_t> TensorInfo::AsInts() const {
  if (!has_values) return {};
  if (!ints.empty() || reals.empty()) return ints;
  std::vector<int64_t> out;
  out.reserve(reals.size());
  for (size_t i = 0; i < reals.size(); ++i) out.push_back(IntAt(i));
  return out;
}

std::string TensorInfo::ShapeString() const {
  if (!rank_known) return "?";
  std::string s = "(";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ", ";
    s += dims[i] < 0 ? "?" : std::to_string(dims[i]);
  }
  if (dims.size() == 1) s += ",";
  return s + ")";
}

bool BroadcastDims(const std::vector<int64_t>& a, const std::vector<int64_t>& b,
                   std::vector<int64_t>& out) {
  size_t r = std::max(a.size(), b.size());
  out.assign(r, 1);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    int64_t d;
    if (da == db) {
      d = da;
    } else if (da == 1) {
      d = db;
    } else if (db == 1) {
      d = da;
    } else if (da < 0) {
      d = db;  // an unknown dim against a known d > 1 must be d (or 1, broadcast to d)
    } else if (db < 0) {
      d = da;
    } else {
      return false;
    }
    out[r - 1 - i] = d;
  }
  return true;
}

int NormalizeAxis(int64_t axis, int rank) {
  if (axis < -rank || axis >= rank) return -1;
  return static_cast<int>(axis < 0 ? axis + rank : axis);
}

}  // namespace calflops::onnx
