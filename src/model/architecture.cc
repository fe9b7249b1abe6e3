#include "model/architecture.h"

#include "model/error.h"
#include "model/prefill_decode_plan.h"

namespace calflops {

std::vector<int64_t> PlannedRoutedTokens(const Architecture& arch, const Workload& w) {
  std::vector<int64_t> tokens;
  for (const ForwardCall& c : arch.Plan(w)) tokens.push_back(c.batch * c.new_tokens);
  return tokens;
}

std::string AttentionClass(const std::string& prefix, AttnImpl impl) {
  switch (impl) {
    case AttnImpl::kEager:
      return prefix + "Attention";
    case AttnImpl::kSdpa:
      return prefix + "SdpaAttention";
    case AttnImpl::kFlashAttention2:
      return prefix + "FlashAttention2";
  }
  return prefix + "Attention";
}

std::string_view CallKindName(CallKind k) {
  switch (k) {
    case CallKind::kForward:
      return "forward";
    case CallKind::kPrefill:
      return "prefill";
    case CallKind::kDecode:
      return "decode";
  }
  return "forward";
}

std::vector<ForwardCall> Architecture::Plan(const Workload& w) const {
  return PrefillDecodePlan(w, {.forward_tokens = w.seq_len, .prompt = w.Prompt()});
}

std::vector<int64_t> Architecture::CostBreakpoints(const ForwardCall& /*run*/) const { return {}; }

namespace architecture {
namespace {

/// Collects the fused attention ops of a probe call.
class AttentionProbe : public OpSink {
 public:
  void Emit(ModuleId module, const Op& op) override { EmitRepeated(module, op, 1); }
  /// A loop body's attention, `times` executions with a cache each: counted in closed form.
  void EmitRepeated(ModuleId module, const Op& op, int64_t times) override {
    if (op.kind != OpKind::kAttention || times <= 0) return;
    const Shape& q = op.in[0];
    const Shape& k = op.in[1];
    const Shape& v = op.in[2];
    if (k[2] <= q[2]) return;  // no cache: as many keys as queries (an encoder, a vision tower)
    int64_t per_token = KvElements(times, KvElements(k[1], k[3], v[1], v[3]), 0, 0);
    for (auto& s : specs)
      if (s.module == module) {
        s.elements_per_token = KvElements(1, s.elements_per_token, 1, per_token);
        return;
      }
    specs.push_back(KvCacheSpec{.module = module, .elements_per_token = per_token});
  }
  std::vector<KvCacheSpec> specs;
};

}  // namespace
}  // namespace architecture

std::vector<KvCacheSpec> Architecture::KvCache() const {
  architecture::AttentionProbe probe;
  Tracer t(probe, dtype_);
  Forward(t, ForwardCall{.kind = CallKind::kDecode,
                         .batch = 1,
                         .new_tokens = 1,
                         .past_tokens = 2,
                         .logits_tokens = 1,
                         .first = false});
  return probe.specs;
}

}  // namespace calflops
