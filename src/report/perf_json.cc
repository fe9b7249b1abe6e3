#include "report/perf_json.h"

#include "analysis/estimates.h"

namespace calflops {
namespace perf_json {
namespace {

void WriteTraffic(JsonWriter& w, const Traffic& t, Count flops) {
  w.BeginObject();
  w.Key("activation_read").Number(t.activation_read);
  w.Key("weight_read").Number(t.weight_read);
  w.Key("kv_read").Number(t.kv_read);
  w.Key("written").Number(t.written);
  w.Key("total").Number(t.total());
  w.Key("arithmetic_intensity")
      .Double(t.total() > Count(0) ? flops.ToDouble() / t.total().ToDouble() : 0);
  w.EndObject();
}

void WriteRoofline(JsonWriter& w, const RooflineTime& r) {
  w.BeginObject();
  w.Key("time_s").Double(r.time_s);
  w.Key("compute_s").Double(r.compute_s);
  w.Key("memory_s").Double(r.memory_s);
  w.Key("bound").String(r.Bound());
  w.EndObject();
}

void WriteMemory(JsonWriter& w, const Estimates& e, const Workload& wl) {
  const MemoryEstimate& m = e.memory;
  w.BeginObject();
  w.Key("unit").String("bytes");
  w.Key("weights").Number(m.weights.total());
  w.Key("weights_by_dtype").BeginObject();
  for (const auto& [dtype, bytes] : m.weights.bytes_by_dtype) w.Key(DTypeName(dtype)).Number(bytes);
  for (const auto& [type, bytes] : m.weights.bytes_by_stored_type) w.Key(type).Number(bytes);
  w.EndObject();
  if (m.stored) {
    const StoredWeights& s = *m.stored;
    w.Key("weights_from_file").BeginObject();
    w.Key("source").String(s.source);
    w.Key("matched_tensors").Int(static_cast<int64_t>(s.matched_tensors));
    w.Key("matched_bytes").Number(s.matched_bytes);
    w.Key("unmatched_tensors").Int(static_cast<int64_t>(s.unmatched_tensors));
    w.Key("unmatched_bytes").Number(s.unmatched_bytes);
    w.Key("unmatched").BeginArray();
    for (const std::string& n : s.unmatched) w.String(n);
    w.EndArray();
    w.Key("dtype_priced_tensors").Int(static_cast<int64_t>(s.dtype_priced_tensors));
    w.Key("dtype_priced_bytes").Number(s.dtype_priced_bytes);
    w.EndObject();
  }
  if (m.quantized) {
    const QuantizedWeights& q = *m.quantized;
    w.Key("quantization").BeginObject();
    w.Key("method").String(q.description);
    w.Key("quantized_tensors").Int(static_cast<int64_t>(q.quantized_tensors));
    w.Key("quantized_bytes").Number(q.quantized_bytes);
    w.Key("unquantized_bytes_of_those").Number(q.quantized_dtype_bytes);
    w.Key("left_unquantized").BeginArray();
    for (const std::string& n : q.unquantized) w.String(n);
    w.EndArray();
    w.EndObject();
  }
  if (m.train) {
    const TrainingOptions& t = e.training_options;
    w.Key("recompute").String(RecomputeName(t.recompute));
    w.Key("optimizer").String(OptimizerName(t.optimizer));
    w.Key("zero").Int(t.zero);
    w.Key("dp").Int(t.dp);
    w.Key("weights_per_rank").Number(m.training.weights);
    w.Key("gradients").Number(m.training.gradients);
    w.Key("optimizer_state").Number(m.training.optimizer);
    w.Key("master_weights").Number(m.training.master_weights);
    w.Key("saved_activations").Number(m.activations);
    w.Key("transient").Number(m.transient);
  } else {
    w.Key("kv_cache").Number(m.kv_cache);
    w.Key("kv_cache_tokens").Int(m.kv_tokens);
    w.Key("kv_cache_batch").Int(wl.batch);
    w.Key("kv_cache_cross").Number(m.kv_cross);
    w.Key("kv_cache_encoder_tokens").Int(m.kv_encoder_tokens);
    w.Key("activations_peak").Number(m.activations);
  }
  w.Key("peak").Number(m.peak);
  w.Key("peak_gib").Double(m.peak.ToDouble() / 1073741824.0);
  w.Key("peak_at").String(m.peak_at);
  w.Key("not_counted")
      .String("framework context and workspaces, allocator fragmentation, caller-held inputs");
  w.EndObject();
}

void WriteLatency(JsonWriter& w, const Estimates& e) {
  const LatencyEstimate& l = *e.latency;
  const Hardware& hw = *e.hardware;
  w.BeginObject();
  w.Key("hardware").BeginObject();
  w.Key("name").String(hw.name);
  w.Key("description").String(hw.description);
  w.Key("memory_bytes").Double(hw.memory_bytes);
  w.Key("bandwidth_bytes_per_s").Double(hw.bandwidth);
  w.Key("peak_flops").BeginObject();
  for (const auto& [k, v] : hw.peak_flops) w.Key(k).Double(v);
  w.EndObject();
  w.Key("source").String(hw.source);
  w.EndObject();
  w.Key(l.generate ? "prefill" : "forward");
  WriteRoofline(w, l.first);
  if (l.generate) {
    w.Key("decode");
    WriteRoofline(w, l.decode);
    w.Key("decode_steps").Int(l.decode_steps);
    w.Key("decode_per_token_s").Double(l.decode_per_step_s);
    w.Key("decode_tokens_per_s").Double(l.decode_tokens_per_s);
  }
  w.Key("total_s").Double(l.total_s);
  w.Key("memory_bytes").Double(l.memory_bytes);
  w.Key("fits").Bool(l.fits);
  w.EndObject();
}

void WriteTraining(JsonWriter& w, const Profile& p, const Estimates& e) {
  const TrainingEstimate& t = *e.training;
  const TrainPerf& tp = p.perf.train;
  w.BeginObject();
  w.Key("tokens").Int(t.tokens);
  w.Key("forward_flops").Number(t.forward_flops);
  w.Key("backward_macs").Number(tp.backward_macs);
  w.Key("backward_flops").Number(t.backward_flops);
  w.Key("recompute_flops").Number(t.recompute_flops);
  w.Key("model_flops").Number(t.model_flops);
  w.Key("hardware_flops").Number(t.hardware_flops);
  const char* names[] = {"none", "selective", "full"};
  w.Key("saved_activations_by_recompute").BeginObject();
  for (int i = 0; i < 3; ++i) w.Key(names[i]).Number(tp.saved_bytes[i]);
  w.EndObject();
  w.Key("recompute_flops_by_policy").BeginObject();
  for (int i = 0; i < 3; ++i) w.Key(names[i]).Number(tp.recompute_flops[i]);
  w.EndObject();
  if (t.roofline_step_s) w.Key("roofline_step_s").Double(*t.roofline_step_s);
  if (t.step_time_s) w.Key("step_time_s").Double(*t.step_time_s);
  if (t.mfu) w.Key("mfu").Double(*t.mfu);
  if (t.hfu) w.Key("hfu").Double(*t.hfu);
  w.EndObject();
}

}  // namespace
}  // namespace perf_json

void WriteModulePerfJson(JsonWriter& w, const ReportModel& r, ModuleId id) {
  const Profile& p = *r.profile;
  if (!r.estimates || static_cast<size_t>(id) >= p.perf.modules.size()) return;
  const ModulePerf& mp = p.perf.modules[static_cast<size_t>(id)];
  const ModuleMemory& mm = r.estimates->memory.modules[static_cast<size_t>(id)];
  w.Key("bytes");
  perf_json::WriteTraffic(w, mp.traffic, mp.flops);
  w.Key("memory").BeginObject();
  w.Key("weights").Number(mm.weights);
  w.Key("kv_cache").Number(mm.kv_cache);
  w.Key(r.estimates->memory.train ? "saved_activations" : "activations_peak")
      .Number(mm.activations);
  w.EndObject();
  if (p.perf.has_roofline) {
    w.Key("roofline");
    perf_json::WriteRoofline(w, mp.roofline);
  }
  if (p.perf.has_train) {
    w.Key("backward_macs").Number(mp.backward_macs);
    w.Key("backward_flops").Number(mp.backward_flops);
  }
}

void WritePerfJson(JsonWriter& w, const ReportModel& r) {
  const Profile& p = *r.profile;
  if (!r.estimates) return;
  const Estimates& e = *r.estimates;
  Traffic total;
  Count flops;
  for (const RunPerf& run : p.perf.calls) {
    total += run.total.traffic;
    flops += run.total.flops;
  }
  w.Key("bytes");
  perf_json::WriteTraffic(w, total, flops);
  w.Key("memory");
  perf_json::WriteMemory(w, e, r.workload);
  if (e.latency) {
    w.Key("latency");
    perf_json::WriteLatency(w, e);
  }
  if (e.training) {
    w.Key("training");
    perf_json::WriteTraining(w, p, e);
  }
}

}  // namespace calflops
