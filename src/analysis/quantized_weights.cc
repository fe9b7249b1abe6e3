#include "analysis/quantized_weights.h"

#include <unordered_map>
#include <unordered_set>

#include "model/error.h"

namespace calflops {
namespace quantized_weights {
namespace {

Count Ceil(Count a, Count b) { return (a + b - Count(1)) / b; }
Count U(int64_t v) { return Count::FromSigned(v); }

/// fnmatch-style: `*` matches any run of characters (dots included), everything else itself.
bool Glob(std::string_view pattern, std::string_view s) {
  size_t p = 0, i = 0, star = std::string_view::npos, mark = 0;
  while (i < s.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = i;
    } else if (p < pattern.size() && pattern[p] == s[i]) {
      ++p;
      ++i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

/// "model.layers.12.mlp" -> "model.layers.*.mlp": one line for all layers.
std::string Generalize(const std::string& path) {
  std::string out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    std::string seg =
        path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool digits = !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos;
    if (!out.empty()) out += '.';
    out += digits ? "*" : seg;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool IsOutputHead(const std::string& path) {
  return path == "lm_head" || EndsWith(path, ".lm_head");
}

}  // namespace
}  // namespace quantized_weights

bool MatchesNotConvert(const std::vector<std::string>& patterns, const std::string& path) {
  for (const std::string& p : patterns) {
    if (p.empty()) continue;
    if (p.find('*') == std::string::npos) {
      if (path.find(p) != std::string::npos) return true;
      continue;
    }
    // The path or one of its ancestors: "model.layers.*.self_attn" covers its projections.
    for (std::string_view sv = path;;) {
      if (quantized_weights::Glob(p, sv)) return true;
      size_t dot = sv.rfind('.');
      if (dot == std::string_view::npos) break;
      sv = sv.substr(0, dot);
    }
  }
  return false;
}

Count QuantizedBytes(const QuantizationConfig& q, const Shape& shape, int input_dim) {
  const Count n = shape.numel();
  const Count in = quantized_weights::U(shape[input_dim]);
  const Count rows = in == Count(0) ? Count(0) : n / in;  // every other axis: outputs (x experts)
  // Linear weights are [out, in]; with leading axes (stacked experts) `out` counts them all.
  const Count out = rows;
  switch (q.method) {
    case QuantMethod::kFp8: {
      if (q.block_rows == 0) return n + Count(4);
      // Blocks tile the last two axes; leading axes repeat them.
      Count r = quantized_weights::U(shape.back(1)), c = quantized_weights::U(shape.back());
      Count lead = r * c == Count(0) ? Count(0) : n / (r * c);
      return n + lead * quantized_weights::Ceil(r, quantized_weights::U(q.block_rows)) *
                     quantized_weights::Ceil(c, quantized_weights::U(q.block_cols)) * Count(4);
    }
    case QuantMethod::kMxfp4:
      return rows * quantized_weights::Ceil(in, Count(32)) * Count(17);
    case QuantMethod::kGptq:
    case QuantMethod::kAwq: {
      Count b = quantized_weights::U(q.bits);
      Count groups = q.group_size > 0
                         ? quantized_weights::Ceil(in, quantized_weights::U(q.group_size))
                         : Count(1);
      Count packed_out =
          quantized_weights::Ceil(out * b, Count(32)) * Count(4);  // int32 words along outputs
      Count zeros = q.zero_points ? groups * packed_out : Count(0);
      Count scales = groups * out * Count(2);
      if (q.method == QuantMethod::kAwq) return in * packed_out + zeros + scales;
      return quantized_weights::Ceil(in * b, Count(32)) * Count(4) * out + zeros + scales +
             in * Count(4);
    }
    case QuantMethod::kBnb4: {
      Count blocks = quantized_weights::Ceil(n, Count(64));
      Count absmax =
          q.double_quant
              ? blocks + quantized_weights::Ceil(blocks, Count(256)) * Count(4) + Count(4)
              : blocks * Count(4);
      return quantized_weights::Ceil(n, Count(2)) + absmax;
    }
    case QuantMethod::kBnb8:
      return n + out * Count(4);
  }
  return n;
}

QuantizedWeights PriceQuantized(const QuantizationConfig& q, ModuleTree& tree) {
  QuantizedWeights r;
  r.description = q.Describe();
  std::unordered_map<int32_t, int> storage_uses;
  for (size_t id = 0; id < tree.size(); ++id)
    for (const Param& p : tree[static_cast<ModuleId>(id)].params)
      if (p.storage >= 0) ++storage_uses[p.storage];
  std::unordered_set<std::string> listed;
  const std::string type = q.quant_method + " (quantization_config)";
  std::vector<int64_t> mult = tree.Multiplicities();  // repeated modules: every copy counts
  for (size_t id = 0; id < tree.size(); ++id) {
    auto m = static_cast<ModuleId>(id);
    Module& mod = tree[m];
    bool experts =
        q.method == QuantMethod::kMxfp4 && quantized_weights::EndsWith(mod.class_name, "Experts");
    // transformers' fp8 replaces nn.Linear only; gptq, awq and bitsandbytes also GPT-2's Conv1D.
    bool conv1d = mod.class_name == "Conv1D" && q.method != QuantMethod::kFp8;
    bool linear = q.method != QuantMethod::kMxfp4 && (mod.class_name == "Linear" || conv1d);
    if (!experts && !linear) continue;
    std::string path = tree.Path(m);
    bool skip = MatchesNotConvert(q.not_converted, path) ||
                (q.skip_output_head && quantized_weights::IsOutputHead(path));
    for (Param& p : mod.params) {
      bool weight = linear ? p.name == "weight" && p.shape.rank() == 2
                           : p.shape.rank() >= 2 && !quantized_weights::EndsWith(p.name, "bias");
      if (!weight) continue;
      bool tied = p.storage >= 0 && storage_uses[p.storage] > 1;
      if (skip || tied || p.has_stored()) {
        if (listed.insert(quantized_weights::Generalize(path)).second)
          r.unquantized.push_back(quantized_weights::Generalize(path));
        continue;
      }
      // Linear weights are [out, in], Conv1D ones [in, out], fused experts [E, in, out].
      int input_dim = conv1d ? 0 : linear ? p.shape.rank() - 1 : p.shape.rank() - 2;
      Count bytes = QuantizedBytes(q, p.shape, input_dim);
      const Count copies = Count::FromSigned(mult[id]);
      r.quantized_dtype_bytes += p.bytes() * copies;
      p.stored_type = type;
      p.stored_bytes = bytes;
      r.quantized_tensors += static_cast<uint64_t>(mult[id]);
      r.quantized_bytes += bytes * copies;
    }
  }
  return r;
}

}  // namespace calflops
