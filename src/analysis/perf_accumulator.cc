#include "analysis/perf_accumulator.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "ops/autograd.h"
#include "ops/op_def.h"

namespace calflops {
namespace perf_accumulator {
namespace {

bool IsKvInput(const Op& op, int i) { return op.kind == OpKind::kAttention && i >= 1; }

/// An input that is the module's own parameter (Tracer::Weight), not an activation.
bool IsParamInput(const Op& op, int i) {
  return (op.in[static_cast<size_t>(i)].tensor_id() & kParamTensorBit) != 0;
}

bool IsContraction(OpKind k) {
  return k == OpKind::kLinear || k == OpKind::kMatMul || k == OpKind::kConv ||
         k == OpKind::kAttention;
}

Count Bytes(Count elements, int bytes_per_element) {
  return elements * Count::FromSigned(bytes_per_element);
}

}  // namespace
}  // namespace perf_accumulator

RooflineTime Roofline(const Hardware& hw, DType dtype, Count flops, Count bytes) {
  RooflineTime r;
  double peak = hw.PeakFlops(dtype).value_or(0);
  r.compute_s = peak > 0 ? flops.ToDouble() / peak : 0;
  r.memory_s = hw.bandwidth > 0 ? bytes.ToDouble() / hw.bandwidth : 0;
  r.time_s = std::max(r.compute_s, r.memory_s);
  r.compute_bound_s = r.compute_s >= r.memory_s ? r.time_s : 0;
  return r;
}

/// Maps tensor ids to the index of the op that produced them in the current call. The tracer
/// hands out ids one by one, so a call's output ids are increasing and nearly contiguous: a
/// dense table indexed by id - first id finds the producer; anything else falls back to a map.
class TensorProducers {
 public:
  template <typename GetId>
  TensorProducers(size_t n, GetId id) {
    bool increasing = true;
    uint64_t first = n ? id(0) : 0, prev = 0;
    for (size_t i = 0; i < n; ++i) {
      uint64_t v = id(i);
      if (i > 0 && v <= prev) increasing = false;
      prev = v;
    }
    if (increasing && n > 0 && prev - first < 4 * n + 64) {
      base_ = first;
      dense_.assign(static_cast<size_t>(prev - first + 1), -1);
      for (size_t i = 0; i < n; ++i)
        dense_[static_cast<size_t>(id(i) - first)] = static_cast<int>(i);
    } else {
      for (size_t i = 0; i < n; ++i) map_.emplace(id(i), i);
    }
  }
  /// The producing op of tensor `id` if it came before op `before`, else -1.
  int Of(uint64_t id, size_t before) const {
    if (id == 0 || (id & (kConstantTensorBit | kParamTensorBit))) return -1;
    int i = -1;
    if (!dense_.empty()) {
      if (id >= base_ && id - base_ < dense_.size()) i = dense_[static_cast<size_t>(id - base_)];
    } else if (auto it = map_.find(id); it != map_.end()) {
      i = static_cast<int>(it->second);
    }
    return i >= 0 && static_cast<size_t>(i) < before ? i : -1;
  }
  int Of(const Shape& s, size_t before) const { return Of(s.tensor_id(), before); }

 private:
  uint64_t base_ = 0;
  std::vector<int> dense_;
  std::unordered_map<uint64_t, size_t> map_;  ///< only if ids are not dense and increasing
};

PerfAccumulator::PerfAccumulator(const ModuleTree& tree, const PerfOptions& options)
    : tree_(tree), options_(options) {
  size_t n = tree.size();
  weight_bytes_.assign(n, Count(0));
  weight_elements_.assign(n, Count(0));
  trainable_.assign(n, 0);
  block_.assign(n, -1);
  own_.assign(n, ModulePerf{});
  pending_.assign(n, ModulePerf{});
  is_touched_.assign(n, 0);
  for (ModuleId m = 0; m < static_cast<ModuleId>(n); ++m) {
    const Module& mod = tree[m];
    auto i = static_cast<size_t>(m);
    if (!mod.params.empty()) {
      weight_bytes_[i] = Count::FromSigned(DTypeBytes(mod.params.front().dtype));
      weight_elements_[i] = Count(1);
    }
    bool stored = false;
    for (const Param& p : mod.params) stored |= p.has_stored();
    if (stored) {
      weight_bytes_[i] = weight_elements_[i] = Count(0);
      for (const Param& p : mod.params) {
        weight_bytes_[i] += p.bytes();
        weight_elements_[i] += p.shape.numel();
      }
    }
    for (const Param& p : mod.params) trainable_[i] |= p.trainable ? 1 : 0;
    // A checkpointed block is a child of a ModuleList (the unit HF's gradient checkpointing and
    // Megatron's full recomputation wrap); nested lists stay inside the outer block.
    if (mod.parent != kNoModule) {
      auto p = static_cast<size_t>(mod.parent);
      block_[i] = block_[p] != -1 ? block_[p] : (tree[mod.parent].is_module_list ? m : -1);
    }
  }
}

Count PerfAccumulator::WeightBytes(size_t m, Count elements, int fallback) const {
  const Count& den = weight_elements_[m];
  if (den == Count(0)) return elements * Count::FromSigned(fallback);
  // Rounded up: a partial read (embedding rows) of a block-quantised tensor reads whole blocks.
  Count num = elements * weight_bytes_[m];
  Count q = num / den;
  return q * den == num ? q : q + Count(1);
}

void PerfAccumulator::EmitRepeated(ModuleId module, const Op& op, int64_t repeats) {
  if (repeats <= 0) return;
  const Count times = Count::FromSigned(repeats);
  auto m = static_cast<size_t>(module);
  const Count ab = Count::FromSigned(DTypeBytes(op.dtype));

  // Bytes moved and roofline time.
  OpTraffic t = GetOpDef(op.kind).traffic.count(op);
  for (int k = 0; k < op.n_in && k < 3; ++k) {
    if (IsWeightInput(op.kind, k) || !perf_accumulator::IsParamInput(op, k)) continue;
    Count n = op.in[static_cast<size_t>(k)].numel();  // a parameter operand: weight traffic
    t.act_read -= n;
    t.weight_read += n;
  }
  Traffic bytes{.activation_read = t.act_read * ab + t.index_read * Count(8),
                .weight_read = WeightBytes(m, t.weight_read, DTypeBytes(op.dtype)),
                .kv_read = t.kv_read * ab,
                .written = t.act_write * ab + t.index_write * Count(8)};
  Count flops = GetOpDef(op.kind).analytic(op).flops;
  if (repeats != 1) {
    bytes = bytes.Times(times);
    flops *= times;
  }
  if (!is_touched_[m]) {
    is_touched_[m] = 1;
    touched_.push_back(module);
  }
  ModulePerf& pm = pending_[m];
  pm.traffic += bytes;
  pm.flops += flops;
  call_.traffic += bytes;
  call_.flops += flops;
  if (options_.hardware) {
    RooflineTime rt = Roofline(*options_.hardware, op.dtype, flops, bytes.total());
    pm.roofline += rt;
    call_.roofline += rt;
  }

  // What liveness needs.
  Rec r{.module = module,
        .n_in = op.n_in,
        .live_inputs = 0,
        .in_id = {},
        .in_bytes = {},
        .out_id = op.out.tensor_id(),
        .out_bytes = op.out.numel() * ab};
  for (int k = 0; k < op.n_in && k < 3; ++k) {
    if (IsWeightInput(op.kind, k) || perf_accumulator::IsParamInput(op, k) ||
        (options_.kv_cache && perf_accumulator::IsKvInput(op, k))) {
      continue;
    }
    const Shape& s = op.in[static_cast<size_t>(k)];
    r.live_inputs |= static_cast<uint8_t>(1u << k);
    r.in_id[k] = s.tensor_id();
    r.in_bytes[k] = s.numel() * ab;
  }
  recs_.push_back(r);
  if (log_) log_->push_back(OpPerf{.flops = flops, .bytes = bytes.total(), .dtype = op.dtype});
  if (options_.train) {
    ops_.push_back(op);
    times_.push_back(times);
  }
}

PerfAccumulator::Call PerfAccumulator::TakeCall() {
  const size_t n = recs_.size();
  TensorProducers producers(n, [this](size_t i) { return recs_[i].out_id; });

  // Per-module figures of this call.
  Call out;
  std::sort(touched_.begin(), touched_.end());
  out.modules.reserve(touched_.size());
  for (ModuleId id : touched_) {
    auto m = static_cast<size_t>(id);
    out.modules.emplace_back(id, pending_[m]);
    pending_[m] = ModulePerf{};
    is_touched_[m] = 0;
  }
  touched_.clear();
  auto module_peak = [&out](ModuleId id) -> Count& {
    auto it = std::lower_bound(out.modules.begin(), out.modules.end(), id,
                               [](const auto& e, ModuleId m) { return e.first < m; });
    if (it == out.modules.end() || it->first != id) it = out.modules.insert(it, {id, ModulePerf{}});
    return it->second.activation_peak;
  };

  // Live activation bytes: a tensor produced in this call lives from its op to its last reader;
  // a tensor of unknown origin only while the op reading it runs. KV-cache inputs are held by
  // the cache, not counted here.
  std::vector<int> producer(n * 3, -1);
  std::vector<int> last(n, -1);
  for (size_t i = 0; i < n; ++i) {
    const Rec& r = recs_[i];
    for (int k = 0; k < r.n_in && k < 3; ++k) {
      if (!(r.live_inputs & (1u << k))) continue;
      int p = producers.Of(r.in_id[k], i);
      producer[i * 3 + static_cast<size_t>(k)] = p;
      if (p >= 0) last[static_cast<size_t>(p)] = static_cast<int>(i);
    }
  }
  std::vector<Count> freed(n);
  for (size_t p = 0; p < n; ++p)
    if (last[p] > static_cast<int>(p)) freed[static_cast<size_t>(last[p])] += recs_[p].out_bytes;
  Count live;
  out.total = call_;
  OpPerf* logged = log_ && log_->size() >= n ? log_->data() + (log_->size() - n) : nullptr;
  for (size_t i = 0; i < n; ++i) {
    const Rec& r = recs_[i];
    Count current = live + r.out_bytes;
    for (int k = 0; k < r.n_in && k < 3; ++k) {
      if ((r.live_inputs & (1u << k)) && producer[i * 3 + static_cast<size_t>(k)] < 0)
        current += r.in_bytes[k];
    }
    out.total.activation_peak = std::max(out.total.activation_peak, current);
    if (logged) logged[i].live = current;
    Count& own = module_peak(r.module);
    own = std::max(own, current);
    if (last[i] > static_cast<int>(i)) live += r.out_bytes;
    live -= freed[i];
  }

  // A training step is one forward call (the forward plan); its backward is processed once.
  if (options_.train) ProcessTraining(producers);
  recs_.clear();
  ops_.clear();
  times_.clear();
  call_ = CallPerf{};
  return out;
}

void PerfAccumulator::Add(const Call& call, Count times) {
  for (const auto& [id, p] : call.modules) {
    ModulePerf& own = own_[static_cast<size_t>(id)];
    own.traffic += times == Count(1) ? p.traffic : p.traffic.Times(times);
    own.flops += p.flops * times;
    own.roofline += p.roofline.Times(times.ToDouble());
    own.activation_peak = std::max(own.activation_peak, p.activation_peak);
  }
  train_.forward_flops += call.total.flops * times;
}

CallPerf PerfAccumulator::Commit(int64_t times) {
  Call c = TakeCall();
  Add(c, Count::FromSigned(times));
  return c.total;
}

void PerfAccumulator::ProcessTraining(const TensorProducers& producers) {
  has_train_ = true;
  const size_t n = ops_.size();
  const std::vector<Op>& outs = ops_;
  auto out_bytes = [&](size_t i) { return recs_[i].out_bytes; };

  // Checkpointed block instance of each op: consecutive ops in the same block.
  std::vector<int> inst(n, -1);
  int instances = 0;
  for (size_t i = 0; i < n; ++i) {
    ModuleId b = block_[static_cast<size_t>(recs_[i].module)];
    if (b == -1) continue;
    bool same = i > 0 && inst[i - 1] >= 0 && block_[static_cast<size_t>(recs_[i - 1].module)] == b;
    inst[i] = same ? inst[i - 1] : instances++;
  }

  // A saved tensor: produced tensors are keyed by their op, others get a unique key.
  struct Item {
    uint64_t key;
    Count bytes;
    size_t op;
    bool sac_keep;  ///< kept by selective recomputation (a contraction output or statistic)
  };
  std::vector<Item> items;
  uint64_t unique = uint64_t{1} << 62;
  std::vector<uint8_t> rg(n, 0);
  bool any = false;
  const Hardware* hw = options_.hardware;

  for (size_t i = 0; i < n; ++i) {
    const Op& op = outs[i];
    auto m = static_cast<size_t>(recs_[i].module);
    GradNeeds g;
    for (int k = 0; k < op.n_in; ++k) {
      if (IsWeightInput(op.kind, k)) continue;
      const Shape& s = op.in[static_cast<size_t>(k)];
      bool need;
      if (s.tensor_id() & kConstantTensorBit) {
        need = false;
      } else if (s.tensor_id() & kParamTensorBit) {
        need = trainable_[m] != 0;
      } else if (int p = producers.Of(s, i); p >= 0) {
        need = rg[static_cast<size_t>(p)] != 0;
      } else {
        need = any;  // unknown origin: a raw input before any parameter, else a derived tensor
      }
      g.input[static_cast<size_t>(k)] = need;
    }
    g.weight = HasWeight(op) && trainable_[m];
    rg[i] = g.any() ? 1 : 0;
    any |= g.any();
    if (!g.any()) continue;

    const OpGradDef& def = GetOpDef(op.kind).grad;
    OpCost b = def.backward_cost(op, g);
    const Count times = times_[i];
    b.macs *= times;
    b.flops *= times;
    own_[m].backward_macs += b.macs;
    own_[m].backward_flops += b.flops;
    train_.backward_macs += b.macs;
    train_.backward_flops += b.flops;
    if (hw) {
      // Backward reads what forward read plus the incoming gradient and writes the gradients:
      // taken as twice the forward's bytes.
      int ab = DTypeBytes(op.dtype);
      OpTraffic t = GetOpDef(op.kind).traffic.count(op);
      Count bytes = perf_accumulator::Bytes(t.act_read + t.kv_read + t.act_write, ab) +
                    WeightBytes(m, t.weight_read, ab) +
                    perf_accumulator::Bytes(t.index_read + t.index_write, 8);
      train_.backward_roofline += Roofline(*hw, op.dtype, b.flops, 2 * bytes * times);
    }

    SavedSet s = def.saved_tensors(op, g);
    for (int k = 0; k < op.n_in; ++k) {
      if (!(s.inputs & (1u << k)) || perf_accumulator::IsParamInput(op, k))
        continue;  // weights are not activations
      const Shape& sh = op.in[static_cast<size_t>(k)];
      int p = producers.Of(sh, i);
      // Every execution of a loop body saves its own copy.
      if (p >= 0) {
        items.push_back({static_cast<uint64_t>(p),
                         out_bytes(static_cast<size_t>(p)) * times_[static_cast<size_t>(p)], i,
                         false});
      } else {
        uint64_t id = sh.tensor_id();
        uint64_t key = id != 0 ? (uint64_t{1} << 61) | (id & ~kConstantTensorBit) : unique++;
        items.push_back(
            {key, perf_accumulator::Bytes(sh.numel(), DTypeBytes(op.dtype)) * times, i, false});
      }
    }
    if (s.output) items.push_back({static_cast<uint64_t>(i), out_bytes(i) * times, i, false});
    bool stats_kept = op.kind == OpKind::kAttention;
    if (s.f32_extra > Count(0))
      items.push_back({unique++, perf_accumulator::Bytes(s.f32_extra, 4) * times, i, stats_kept});
    if (s.index_extra > Count(0))
      items.push_back({unique++, perf_accumulator::Bytes(s.index_extra, 8) * times, i, false});
  }

  // --recompute none: every saved tensor once; charged to the module of its first saver.
  std::unordered_set<uint64_t> seen;
  Count none;
  for (const Item& it : items) {
    if (!seen.insert(it.key).second) continue;
    none += it.bytes;
    own_[static_cast<size_t>(recs_[it.op].module)].saved_bytes += it.bytes;
  }

  // Block inputs: tensors read inside a block instance but produced outside it.
  std::vector<Item> checkpoints;
  for (size_t i = 0; i < n; ++i) {
    if (inst[i] < 0) continue;
    const Op& op = outs[i];
    for (int k = 0; k < op.n_in; ++k) {
      if (IsWeightInput(op.kind, k)) continue;
      int p = producers.Of(op.in[static_cast<size_t>(k)], i);
      if (p >= 0 && inst[static_cast<size_t>(p)] != inst[i]) {
        checkpoints.push_back(
            {static_cast<uint64_t>(p), out_bytes(static_cast<size_t>(p)), i, true});
      }
    }
  }

  // full: what ops outside blocks save, plus the blocks' inputs. selective (op-level selective
  // checkpointing, as torchtitan's policy): also the outputs of contractions and attention
  // inside blocks; pointwise work in blocks is recomputed.
  auto total = [&](bool selective, std::vector<Count>* per_block_recomputed) {
    std::unordered_set<uint64_t> kept;
    Count bytes;
    auto keep = [&](uint64_t key, Count b) {
      if (kept.insert(key).second) bytes += b;
    };
    for (const Item& it : checkpoints) keep(it.key, it.bytes);
    for (const Item& it : items) {
      if (inst[it.op] < 0 || (selective && it.sac_keep)) keep(it.key, it.bytes);
    }
    if (selective) {
      for (size_t i = 0; i < n; ++i)
        if (inst[i] >= 0 && perf_accumulator::IsContraction(outs[i].kind) && rg[i])
          keep(i, out_bytes(i) * times_[i]);
    }
    if (per_block_recomputed) {
      // Bytes a block recreates during its backward: what it saves under `none` and not here.
      per_block_recomputed->assign(static_cast<size_t>(instances), Count(0));
      std::unordered_set<uint64_t> counted;
      for (const Item& it : items) {
        if (inst[it.op] < 0 || kept.count(it.key) || !counted.insert(it.key).second) continue;
        (*per_block_recomputed)[static_cast<size_t>(inst[it.op])] += it.bytes;
      }
    }
    return bytes;
  };
  std::vector<Count> full_block, sel_block;
  train_.saved_bytes[0] += none;
  train_.saved_bytes[1] += total(true, &sel_block);
  train_.saved_bytes[2] += total(false, &full_block);
  for (Count c : sel_block) train_.recompute_peak[1] = std::max(train_.recompute_peak[1], c);
  for (Count c : full_block) train_.recompute_peak[2] = std::max(train_.recompute_peak[2], c);
  for (size_t i = 0; i < n; ++i) {
    if (inst[i] < 0) continue;
    Count f = GetOpDef(outs[i].kind).analytic(outs[i]).flops * times_[i];
    train_.recompute_flops[2] += f;
    if (!perf_accumulator::IsContraction(outs[i].kind)) train_.recompute_flops[1] += f;
  }
}

void PerfAccumulator::Finish(PerfProfile& perf) const {
  perf.modules = own_;
  // A module standing for n modules (Module::repeat) received its ops n times over: one copy's
  // figures are those over n (liveness saw one execution: peaks stay); the parent adds `repeat`.
  std::vector<int64_t> mult = tree_.Multiplicities();
  for (size_t id = 0; id < mult.size(); ++id) {
    if (mult[id] == 1) continue;
    ModulePerf& s = perf.modules[id];
    Count n = Count::FromSigned(mult[id]);
    s.traffic = {s.traffic.activation_read / n, s.traffic.weight_read / n, s.traffic.kv_read / n,
                 s.traffic.written / n};
    s.flops = s.flops / n;
    s.roofline = s.roofline.Times(1.0 / static_cast<double>(mult[id]));
    s.backward_macs = s.backward_macs / n;
    s.backward_flops = s.backward_flops / n;
    s.saved_bytes = s.saved_bytes / n;
  }
  for (auto id = static_cast<ModuleId>(tree_.size()) - 1; id > 0; --id) {
    const ModulePerf& s = perf.modules[static_cast<size_t>(id)];
    ModulePerf& p = perf.modules[static_cast<size_t>(tree_[id].parent)];
    int64_t r = tree_[id].repeat;
    if (r == 1) {
      p.traffic += s.traffic;
      p.roofline += s.roofline;
    } else {
      p.traffic += s.traffic.Times(Count::FromSigned(r));
      p.roofline += s.roofline.Times(static_cast<double>(r));
    }
    p.flops += s.flops * Count::FromSigned(r);
    p.activation_peak = std::max(p.activation_peak, s.activation_peak);
    p.backward_macs += s.backward_macs * Count::FromSigned(r);
    p.backward_flops += s.backward_flops * Count::FromSigned(r);
    p.saved_bytes += s.saved_bytes * Count::FromSigned(r);
  }
  perf.train = train_;
  perf.has_roofline = options_.hardware != nullptr;
  perf.has_train = has_train_;
}

}  // namespace calflops
