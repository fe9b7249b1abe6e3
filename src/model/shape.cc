#include "model/shape.h"

#include <algorithm>

namespace calflops {

Shape::Shape(std::initializer_list<int64_t> dims) {
  for (int64_t d : dims) push_back(d);
}

void Shape::push_back(int64_t d) {
  if (rank_ >= kMaxRank) {
    throw BadInput("", "tensor rank above the limit of " + std::to_string(kMaxRank));
  }
  dims_[static_cast<size_t>(rank_++)] = d;
}

Count Shape::numel() const { return leading(0); }

Count Shape::leading(int n) const {
  // Fast path in 64 bits (every real shape); 128-bit checked arithmetic past that.
  uint64_t p = 1;
  int i = 0;
  for (; i < rank_ - n; ++i) {
    int64_t d = dims_[static_cast<size_t>(i)];
    if (d < 0 || __builtin_mul_overflow(p, static_cast<uint64_t>(d), &p)) break;
  }
  if (i >= rank_ - n) return Count(p);
  Count c = 1;
  for (i = 0; i < rank_ - n; ++i) c *= Count::FromSigned(dims_[static_cast<size_t>(i)]);
  return c;
}

Shape Shape::WithLast(int64_t d) const {
  Shape s = *this;
  s.dims_[static_cast<size_t>(rank_ - 1)] = d;
  s.id_ = 0;  // a different tensor
  return s;
}

std::string Shape::ToString() const {
  std::string s = "(";
  for (int i = 0; i < rank_; ++i) {
    if (i) s += ", ";
    s += std::to_string(dims_[static_cast<size_t>(i)]);
  }
  if (rank_ == 1) s += ",";
  return s + ")";
}

bool operator==(const Shape& a, const Shape& b) {
  return a.rank_ == b.rank_ && std::equal(a.begin(), a.end(), b.begin());
}

Shape Broadcast(const Shape& a, const Shape& b) {
  Shape out;
  int r = std::max(a.rank(), b.rank());
  for (int i = r - 1; i >= 0; --i) {
    int64_t da = i < a.rank() ? a.back(i) : 1;
    int64_t db = i < b.rank() ? b.back(i) : 1;
    if (da != db && da != 1 && db != 1) {
      throw BadInput("", "shapes " + a.ToString() + " and " + b.ToString() + " do not broadcast");
    }
    out.push_back(da == 1 ? db : da);
  }
  return out;
}

Count LeftAlignedBroadcastCount(const Shape& a, const Shape& b) {
  Count c = 1;
  int r = std::max(a.rank(), b.rank());
  for (int i = 0; i < r; ++i) {
    int64_t da = i < a.rank() ? a[i] : 1;
    int64_t db = i < b.rank() ? b[i] : 1;
    c *= Count::FromSigned(std::max(da, db));
  }
  return c;
}

}  // namespace calflops
