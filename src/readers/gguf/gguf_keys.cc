#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "model/error.h"
#include "readers/gguf/gguf_mapping.h"

namespace calflops {
namespace gguf_keys {
namespace {

/// A float32 metadata value as the decimal the converter started from: the shortest decimal that
/// reads back as the same float32 (1e-05 stored as f32 is 9.99999974e-06; the config said 1e-05).
double ShortestDecimal(double f32) {
  auto f = static_cast<float>(f32);
  for (int digits = 1; digits <= 9; ++digits) {
    char b[32];
    std::snprintf(b, sizeof b, "%.*g", digits, static_cast<double>(f));
    if (std::strtof(b, nullptr) == f) return std::strtod(b, nullptr);
  }
  return f32;
}

}  // namespace
}  // namespace gguf_keys

GgufKeys::GgufKeys(const GgufFile& f, std::string arch) : f_(f), arch_(std::move(arch)) {
  // Built once: the MoE checks look up one name per layer.
  for (const auto& t : f.tensors) tensors_.emplace(t.name, &t);
}

const GgufTensor* GgufKeys::Tensor(const std::string& name) const {
  auto it = tensors_.find(name);
  return it == tensors_.end() ? nullptr : it->second;
}

const GgufKv* GgufKeys::Find(std::string_view suffix) const {
  return f_.Find(arch_ + "." + std::string(suffix));
}

std::optional<int64_t> GgufKeys::Int(std::string_view suffix, int64_t lo, int64_t hi) const {
  const GgufKv* kv = Find(suffix);
  if (!kv) return std::nullopt;
  const GgufValue& v = kv->value;
  std::optional<int64_t> x;
  if (v.type == GgufValueType::kArray) {
    if (!v.items_kept || v.items.empty() || !v.items[0].is_integer()) {
      throw BadInput(f_.Where(*kv), "is an array of " + std::to_string(v.count) + " " +
                                        std::string(GgufValueTypeName(v.elem_type)) +
                                        ", expected an integer (or one per layer)");
    }
    for (const auto& it : v.items) {
      if (it.AsInt() != v.items[0].AsInt()) {
        throw Unsupported(f_.Where(*kv),
                          "per-layer values differ; layers of different sizes are not supported");
      }
    }
    x = v.items[0].AsInt();
  } else if (v.is_integer()) {
    x = v.AsInt();
  } else {
    throw BadInput(f_.Where(*kv),
                   "is " + std::string(GgufValueTypeName(v.type)) + ", expected an integer");
  }
  if (!x || *x < lo || *x > hi) {
    throw BadInput(f_.Where(*kv), "is " + (x ? std::to_string(*x) : std::string("above 2^63-1")) +
                                      ", expected an integer in [" + std::to_string(lo) + ", " +
                                      std::to_string(hi) + "]");
  }
  return x;
}

int64_t GgufKeys::RequiredInt(std::string_view suffix, int64_t lo, int64_t hi) const {
  auto x = Int(suffix, lo, hi);
  if (!x) {
    throw BadInput(f_.source + ": key '" + arch_ + "." + std::string(suffix) + "'",
                   "is missing (required)");
  }
  return *x;
}

std::optional<double> GgufKeys::Float(std::string_view suffix) const {
  const GgufKv* kv = Find(suffix);
  if (!kv) return std::nullopt;
  auto d = kv->value.AsDouble();
  if (!d) {
    throw BadInput(f_.Where(*kv),
                   "is " + std::string(GgufValueTypeName(kv->value.type)) + ", expected a number");
  }
  if (kv->value.type == GgufValueType::kF32 && std::isfinite(*d))
    return gguf_keys::ShortestDecimal(*d);
  return d;
}

std::string GgufKeys::String(std::string_view key) const {
  const GgufKv* kv = f_.Find(key);
  if (!kv) return "";
  if (kv->value.type != GgufValueType::kString) {
    throw BadInput(f_.Where(*kv),
                   "is " + std::string(GgufValueTypeName(kv->value.type)) + ", expected a string");
  }
  return kv->value.s;
}

}  // namespace calflops
