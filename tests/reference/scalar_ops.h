// Brute-force reference: tiny models executed on real numbers, counting every scalar operation
// as it happens. Each arithmetic helper below performs one real operation and counts it; tensor
// code is written only in terms of these helpers, so the counts are what the execution did, not
// a formula. Counts are charged to the innermost open module scope (a dotted path, like
// named_modules()), mirroring how calflops charges work to the running module.
#pragma once

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace reference {

struct Counts {
  uint64_t macs = 0;
  uint64_t flops = 0;
};

/// Per-module own counts, keyed by dotted module path ("" = root).
class Counter {
 public:
  static Counter& Get() {
    static Counter c;
    return c;
  }
  void Reset() {
    own_.clear();
    scopes_.assign(1, "");
  }
  Counts& Current() { return own_[scopes_.back()]; }
  void Push(const std::string& name) {
    const std::string& top = scopes_.back();
    scopes_.push_back(top.empty() ? name : top + "." + name);
  }
  void Pop() { scopes_.pop_back(); }
  /// Own + descendants of `path`.
  Counts Subtree(const std::string& path) const {
    Counts c;
    for (const auto& [p, v] : own_) {
      if (path.empty() || p == path || p.rfind(path + ".", 0) == 0) {
        c.macs += v.macs;
        c.flops += v.flops;
      }
    }
    return c;
  }
  const std::map<std::string, Counts>& own() const { return own_; }

 private:
  Counter() { Reset(); }
  std::map<std::string, Counts> own_;
  std::vector<std::string> scopes_;
};

/// RAII module scope: `Scope s("self_attn");`
class Scope {
 public:
  explicit Scope(const std::string& name) { Counter::Get().Push(name); }
  ~Scope() { Counter::Get().Pop(); }
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;
};

// One counted FLOP each.
inline double Add(double a, double b) {
  ++Counter::Get().Current().flops;
  return a + b;
}
inline double Sub(double a, double b) {
  ++Counter::Get().Current().flops;
  return a - b;
}
inline double Mul(double a, double b) {
  ++Counter::Get().Current().flops;
  return a * b;
}
inline double Div(double a, double b) {
  ++Counter::Get().Current().flops;
  return a / b;
}
inline double Neg(double a) {
  ++Counter::Get().Current().flops;
  return -a;
}
inline double Max(double a, double b) {
  ++Counter::Get().Current().flops;
  return a > b ? a : b;
}
inline double Exp(double a) {
  ++Counter::Get().Current().flops;
  return std::exp(a);
}
inline double Sqrt(double a) {
  ++Counter::Get().Current().flops;
  return std::sqrt(a);
}
inline double Rsqrt(double a) {
  ++Counter::Get().Current().flops;
  return 1.0 / std::sqrt(a);
}
inline double Tanh(double a) {
  ++Counter::Get().Current().flops;
  return std::tanh(a);
}
inline double Erf(double a) {
  ++Counter::Get().Current().flops;
  return std::erf(a);
}
inline double Sin(double a) {
  ++Counter::Get().Current().flops;
  return std::sin(a);
}
inline double Cos(double a) {
  ++Counter::Get().Current().flops;
  return std::cos(a);
}
inline double Relu(double a) { return Max(a, 0.0); }
/// One comparison (counted as one FLOP, like Max).
inline bool Greater(double a, double b) {
  ++Counter::Get().Current().flops;
  return a > b;
}
/// One multiply-accumulate: 1 MAC = 2 FLOPs.
inline double Mac(double acc, double a, double b) {
  auto& c = Counter::Get().Current();
  ++c.macs;
  c.flops += 2;
  return acc + a * b;
}

}  // namespace reference
