#include "reference/tensor.h"

#include <algorithm>

namespace reference {

namespace {
int64_t Product(const std::vector<int64_t>& s) {
  int64_t p = 1;
  for (auto d : s) p *= d;
  return p;
}
std::vector<int64_t> Strides(const std::vector<int64_t>& s) {
  std::vector<int64_t> st(s.size(), 1);
  for (int i = static_cast<int>(s.size()) - 2; i >= 0; --i) st[i] = st[i + 1] * s[i + 1];
  return st;
}
/// Offset of the broadcast index `idx` (in `out` shape) into a tensor of shape `s`.
int64_t BroadcastOffset(const std::vector<int64_t>& idx, const std::vector<int64_t>& s) {
  auto st = Strides(s);
  int64_t off = 0;
  size_t shift = idx.size() - s.size();
  for (size_t i = 0; i < s.size(); ++i) off += (s[i] == 1 ? 0 : idx[i + shift]) * st[i];
  return off;
}
std::vector<int64_t> BroadcastShape(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  size_t r = std::max(a.size(), b.size());
  std::vector<int64_t> out(r);
  for (size_t i = 0; i < r; ++i) {
    int64_t da = i < r - a.size() ? 1 : a[i - (r - a.size())];
    int64_t db = i < r - b.size() ? 1 : b[i - (r - b.size())];
    if (da != db && da != 1 && db != 1) throw std::invalid_argument("broadcast");
    out[i] = da == 1 ? db : da;  // a size-1 dim stretches, also to 0
  }
  return out;
}
std::vector<int64_t> Unravel(int64_t flat, const std::vector<int64_t>& s) {
  std::vector<int64_t> idx(s.size());
  for (int i = static_cast<int>(s.size()) - 1; i >= 0; --i) {
    idx[i] = flat % s[i];
    flat /= s[i];
  }
  return idx;
}
}  // namespace

Tensor::Tensor(std::vector<int64_t> shape, double fill)
    : shape_(std::move(shape)), data_(static_cast<size_t>(Product(shape_)), fill) {}

Tensor Tensor::Random(std::vector<int64_t> shape, std::mt19937& rng, double scale) {
  Tensor t(std::move(shape));
  std::uniform_real_distribution<double> d(-scale, scale);
  for (auto& v : t.data_) v = d(rng);
  return t;
}

Tensor Tensor::Reshape(std::vector<int64_t> shape) const {
  if (Product(shape) != numel()) throw std::invalid_argument("reshape");
  Tensor t = *this;
  t.shape_ = std::move(shape);
  return t;
}

double& Tensor::operator()(const std::vector<int64_t>& idx) {
  auto st = Strides(shape_);
  int64_t off = 0;
  for (size_t i = 0; i < idx.size(); ++i) off += idx[i] * st[i];
  return data_[static_cast<size_t>(off)];
}

Tensor Tensor::Transpose(int a, int b) const {
  std::vector<int64_t> s = shape_;
  std::swap(s[static_cast<size_t>(a)], s[static_cast<size_t>(b)]);
  Tensor out(s);
  for (int64_t i = 0; i < numel(); ++i) {
    auto idx = Unravel(i, shape_);
    std::swap(idx[static_cast<size_t>(a)], idx[static_cast<size_t>(b)]);
    out(idx) = data_[static_cast<size_t>(i)];
  }
  return out;
}

Tensor Tensor::Slice(int dim, int64_t begin, int64_t end) const {
  std::vector<int64_t> s = shape_;
  s[static_cast<size_t>(dim)] = end - begin;
  Tensor out(s);
  for (int64_t i = 0; i < out.numel(); ++i) {
    auto idx = Unravel(i, s);
    idx[static_cast<size_t>(dim)] += begin;
    out.data_[static_cast<size_t>(i)] = const_cast<Tensor*>(this)->operator()(idx);
  }
  return out;
}

Tensor Cat(const std::vector<Tensor>& parts, int dim) {
  std::vector<int64_t> s = parts[0].shape();
  int64_t total = 0;
  for (const auto& p : parts) total += p.dim(dim);
  s[static_cast<size_t>(dim)] = total;
  Tensor out(s);
  int64_t offset = 0;
  for (const auto& p : parts) {
    for (int64_t i = 0; i < p.numel(); ++i) {
      auto idx = Unravel(i, p.shape());
      idx[static_cast<size_t>(dim)] += offset;
      out(idx) = p.at(i);
    }
    offset += p.dim(dim);
  }
  return out;
}

Tensor Binary(const Tensor& a, const Tensor& b, double (*op)(double, double)) {
  Tensor out(BroadcastShape(a.shape(), b.shape()));
  for (int64_t i = 0; i < out.numel(); ++i) {
    auto idx = Unravel(i, out.shape());
    out.at(i) = op(a.at(BroadcastOffset(idx, a.shape())), b.at(BroadcastOffset(idx, b.shape())));
  }
  return out;
}

Tensor WithScalar(const Tensor& a, double s, double (*op)(double, double)) {
  Tensor out(a.shape());
  for (int64_t i = 0; i < a.numel(); ++i) out.at(i) = op(a.at(i), s);
  return out;
}

Tensor Map(const Tensor& a, const std::function<double(double)>& f) {
  Tensor out(a.shape());
  for (int64_t i = 0; i < a.numel(); ++i) out.at(i) = f(a.at(i));
  return out;
}

Tensor MatMul(const Tensor& a, const Tensor& b) {
  int64_t m = a.dim(-2), k = a.dim(-1), n = b.dim(-1);
  if (b.dim(-2) != k) throw std::invalid_argument("matmul");
  std::vector<int64_t> ba(a.shape().begin(), a.shape().end() - 2);
  std::vector<int64_t> bb(b.shape().begin(), b.shape().end() - 2);
  std::vector<int64_t> batch = BroadcastShape(ba, bb);
  std::vector<int64_t> s = batch;
  s.push_back(m);
  s.push_back(n);
  Tensor out(s);
  int64_t nb = Product(batch);
  for (int64_t bi = 0; bi < nb; ++bi) {
    auto idx = Unravel(bi, batch);
    int64_t oa = ba.empty() ? 0 : BroadcastOffset(idx, ba) * m * k;
    int64_t ob = bb.empty() ? 0 : BroadcastOffset(idx, bb) * k * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t q = 0; q < k; ++q) acc = Mac(acc, a.at(oa + i * k + q), b.at(ob + q * n + j));
        out.at(bi * m * n + i * n + j) = acc;
      }
  }
  return out;
}

Tensor Linear(const Tensor& x, const Tensor& w, const Tensor* bias) {
  int64_t in = w.dim(1), out_f = w.dim(0);
  int64_t rows = 1;  // every leading element (also when in = 0)
  for (int i = 0; i + 1 < x.rank(); ++i) rows *= x.dim(i);
  std::vector<int64_t> s = x.shape();
  s.back() = out_f;
  Tensor out(s);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t o = 0; o < out_f; ++o) {
      double acc = 0;
      for (int64_t i = 0; i < in; ++i) acc = Mac(acc, x.at(r * in + i), w.at(o * in + i));
      if (bias) acc = Add(acc, bias->at(o));
      out.at(r * out_f + o) = acc;
    }
  return out;
}

Tensor SumLast(const Tensor& a) {
  int64_t n = a.dim(-1), rows = a.numel() / n;
  std::vector<int64_t> s = a.shape();
  s.back() = 1;
  Tensor out(s);
  for (int64_t r = 0; r < rows; ++r) {
    double acc = a.at(r * n);
    for (int64_t i = 1; i < n; ++i) acc = Add(acc, a.at(r * n + i));
    out.at(r) = acc;
  }
  return out;
}

Tensor MeanLast(const Tensor& a) {
  Tensor s = SumLast(a);
  auto n = static_cast<double>(a.dim(-1));
  for (auto& v : s.data()) v = Div(v, n);
  return s;
}

Tensor TopKLast(const Tensor& a, int64_t k) {
  int64_t n = a.dim(-1), rows = a.numel() / n;
  std::vector<int64_t> s = a.shape();
  s.back() = k;
  Tensor out(s);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<bool> taken(static_cast<size_t>(n), false);
    for (int64_t j = 0; j < k; ++j) {
      int64_t best = -1;
      for (int64_t i = 0; i < n; ++i) {
        if (taken[static_cast<size_t>(i)]) continue;
        if (best < 0 || Greater(a.at(r * n + i), a.at(r * n + best))) best = i;
      }
      taken[static_cast<size_t>(best)] = true;
      out.at(r * k + j) = a.at(r * n + best);
    }
  }
  return out;
}

Tensor SoftmaxLast(const Tensor& a) {
  int64_t n = a.dim(-1), rows = a.numel() / n;
  Tensor out(a.shape());
  for (int64_t r = 0; r < rows; ++r) {
    double mx = a.at(r * n);
    for (int64_t i = 1; i < n; ++i) mx = Max(mx, a.at(r * n + i));
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) {
      double e = Exp(Sub(a.at(r * n + i), mx));
      out.at(r * n + i) = e;
      sum = i == 0 ? e : Add(sum, e);
    }
    for (int64_t i = 0; i < n; ++i) out.at(r * n + i) = Div(out.at(r * n + i), sum);
  }
  return out;
}

Tensor Gather(const Tensor& table, const std::vector<int64_t>& ids, std::vector<int64_t> shape) {
  int64_t dim = table.dim(1);
  shape.push_back(dim);
  Tensor out(shape);
  for (size_t i = 0; i < ids.size(); ++i)
    for (int64_t d = 0; d < dim; ++d)
      out.at(static_cast<int64_t>(i) * dim + d) = table.at(ids[i] * dim + d);
  return out;
}

}  // namespace reference
