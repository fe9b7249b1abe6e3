#include "report/perf_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "model/error.h"

namespace calflops {
namespace perf_text {
namespace {

/// printf of one double, for display. Whatever the inputs (a valid but absurd device profile,
/// a huge workload), a figure prints in a few characters: fixed notation ("%.3f") switches to
/// "%.3e" from 10^15 on, and a value that is not finite prints as "n/a", never "inf" or "-nan".
std::string Format(const char* fmt, double v) {
  if (!std::isfinite(v)) return "n/a";
  std::string f = fmt;
  if (std::fabs(v) >= 1e15) {
    auto at = f.find("%.");
    auto conv = f.find('f', at);
    if (at != std::string::npos && conv != std::string::npos) f.replace(at, conv + 1 - at, "%.3e");
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, f.c_str(), v);
  return buf;
}

void Header(std::ostream& out, const std::string& title) {
  std::string t = " " + title + " ";
  size_t left = t.size() >= 99 ? 0 : (99 - t.size()) / 2;
  size_t right = t.size() >= 99 ? 0 : 99 - t.size() - left;
  out << "\n" << std::string(left, '-') << t << std::string(right, '-') << "\n";
}

void Line(std::ostream& out, const std::string& label, const std::string& value) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-40s  %s", label.c_str(), value.c_str());
  out << buf << "\n";
}

std::string Percent(double part, double whole) {
  return whole > 0 ? Format("%.1f%%", 100 * part / whole) : std::string("-");
}

/// Module rows to a depth, with only the first child of a ModuleList (x count).
template <typename Row>
void WalkModules(const ModuleTree& tree, ModuleId id, int depth, int max_depth, Row&& row) {
  const Module& m = tree[id];
  if (m.is_module_list && !m.children.empty()) {
    ModuleId first = m.children.front();
    int64_t entries = 0;  // a child standing for several (Module::repeat) counts as many
    for (ModuleId c : m.children) entries += tree[c].repeat;
    row(first, depth, static_cast<int>(entries));
    if (depth < max_depth)
      for (ModuleId c : tree[first].children) WalkModules(tree, c, depth + 1, max_depth, row);
    return;
  }
  row(id, depth, 1);
  if (depth < max_depth)
    for (ModuleId c : m.children) WalkModules(tree, c, depth + 1, max_depth, row);
}

std::string RowName(const ModuleTree& tree, ModuleId id, int depth, int count) {
  std::string name = id == tree.root() ? tree[id].class_name : tree.Path(id);
  if (count > 1) name += " (each of " + std::to_string(count) + ")";
  return std::string(static_cast<size_t>(2 * depth), ' ') + name;
}

void WriteMemorySection(const ReportModel& r, std::ostream& out) {
  const Profile& p = *r.profile;
  const Estimates& e = *r.estimates;
  const MemoryEstimate& m = e.memory;
  Header(out, "Memory Estimate");
  for (const auto& [dtype, bytes] : m.weights.bytes_by_dtype) {
    Line(out, "weights (" + std::string(DTypeName(dtype)) + "):", HumanBytes(bytes));
  }
  for (const auto& [type, bytes] : m.weights.bytes_by_stored_type) {
    Line(out, "weights (" + type + ", from the file):", HumanBytes(bytes));
  }
  if (m.stored) {
    const StoredWeights& s = *m.stored;
    Line(out, "file tensors priced:",
         std::to_string(s.matched_tensors) + " (" + HumanBytes(s.matched_bytes) + ")");
    if (s.unmatched_tensors > 0) {
      std::string first = s.unmatched.front() + (s.unmatched.size() > 1 ? ", ..." : "");
      Line(out, "file tensors not in the model:",
           std::to_string(s.unmatched_tensors) + " (" + HumanBytes(s.unmatched_bytes) +
               ", not counted: " + first + ")");
    }
    if (s.dtype_priced_tensors > 0) {
      Line(out, "model tensors not in the file:",
           std::to_string(s.dtype_priced_tensors) + " (" + HumanBytes(s.dtype_priced_bytes) +
               " at their dtype)");
    }
  }
  if (m.train) {
    const TrainingOptions& t = e.training_options;
    std::string shard =
        t.zero > 0 ? ", ZeRO-" + std::to_string(t.zero) + " over " + std::to_string(t.dp) + " ranks"
                   : "";
    Line(out, "weights per rank:", HumanBytes(m.training.weights));
    Line(out, "gradients:", HumanBytes(m.training.gradients));
    Line(out, "optimizer state (" + std::string(OptimizerName(t.optimizer)) + shard + "):",
         HumanBytes(m.training.optimizer));
    Line(out, "master weights (float32):", HumanBytes(m.training.master_weights));
    Line(out, "saved activations (recompute " + std::string(RecomputeName(t.recompute)) + "):",
         HumanBytes(m.activations));
    Line(out, "transient (backward working set):", HumanBytes(m.transient));
  } else {
    if (m.kv_tokens > 0) {
      Line(out,
           "kv cache (" + std::to_string(m.kv_tokens) + " tokens x " +
               std::to_string(r.workload.batch) + "):",
           HumanBytes(m.kv_cache));
      if (m.kv_encoder_tokens > 0) {
        Line(out,
             "  cross-attention (" + std::to_string(m.kv_encoder_tokens) + " encoder tokens x " +
                 std::to_string(r.workload.batch) + "):",
             HumanBytes(m.kv_cross));
      }
    }
    Line(out, "activations (peak live, " + m.peak_at + "):", HumanBytes(m.activations));
  }
  Line(out, "peak (" + m.peak_at + "):", HumanBytes(m.peak));
  out << "\n";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-56s %12s %12s %14s\n", "module", "weights", "kv cache",
                m.train ? "saved (none)" : "activations");
  out << buf;
  WalkModules(p.tree, p.tree.root(), 0, 3, [&](ModuleId id, int depth, int count) {
    const ModuleMemory& mm = m.modules[static_cast<size_t>(id)];
    std::snprintf(buf, sizeof buf, "%-56s %12s %12s %14s\n",
                  RowName(p.tree, id, depth, count).c_str(), HumanBytes(mm.weights).c_str(),
                  HumanBytes(mm.kv_cache).c_str(), HumanBytes(mm.activations).c_str());
    out << buf;
  });
  out << std::string(99, '-') << "\n";
}

void WriteLatencySection(const ReportModel& r, std::ostream& out) {
  const Profile& p = *r.profile;
  const Estimates& e = *r.estimates;
  const Hardware& hw = *e.hardware;
  const LatencyEstimate& l = *e.latency;
  Header(out, "Roofline Latency: " + hw.name);
  Line(out, "device:", hw.description);
  double peak = hw.PeakFlops(p.activation_dtype).value_or(0);
  Line(out, "peak (" + std::string(DTypeName(p.activation_dtype)) + ", dense):",
       HumanCount(peak) + "FLOP/s, memory bandwidth " + HumanCount(hw.bandwidth) + "B/s");
  auto split = [](const RooflineTime& t) {
    return std::string(t.Bound()) + "-bound; compute " + HumanSeconds(t.compute_s) + ", memory " +
           HumanSeconds(t.memory_s);
  };
  const Workload& w = r.workload;
  if (l.generate) {
    int64_t prompt = w.Prompt();
    Line(out, "prefill (" + std::to_string(prompt) + " tokens x " + std::to_string(w.batch) + "):",
         HumanSeconds(l.first.time_s) + " (" + split(l.first) + ")");
    if (l.decode_steps > 0) {
      Line(out, "decode (" + std::to_string(l.decode_steps) + " steps):",
           HumanSeconds(l.decode.time_s) + " (" + split(l.decode) + ")");
      Line(out, "decode per token:", HumanSeconds(l.decode_per_step_s));
      Line(out, "decode tokens/s:", Format("%.1f", l.decode_tokens_per_s));
    }
    Line(out, "total (prefill + decode):", HumanSeconds(l.total_s));
  } else {
    Line(out, std::string(w.train ? "forward of the step" : "forward") + ":",
         HumanSeconds(l.first.time_s) + " (" + split(l.first) + ")");
  }
  Line(out, "memory:",
       HumanBytes(l.memory_bytes) + " of " + HumanBytes(l.capacity_bytes) + " (" +
           Percent(l.memory_bytes, l.capacity_bytes) + "): " + (l.fits ? "fits" : "does NOT fit"));
  out << "\n";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-58s %12s %8s %10s\n", "module", "time", "bound", "FLOP/byte");
  out << buf;
  WalkModules(p.tree, p.tree.root(), 0, 3, [&](ModuleId id, int depth, int count) {
    const ModulePerf& mp = p.perf.modules[static_cast<size_t>(id)];
    if (mp.roofline.time_s <= 0) return;
    Count bytes = mp.traffic.total();
    double ai = bytes > Count(0) ? mp.flops.ToDouble() / bytes.ToDouble() : 0;
    std::snprintf(
        buf, sizeof buf, "%-58s %12s %8s %10s\n", RowName(p.tree, id, depth, count).c_str(),
        HumanSeconds(mp.roofline.time_s).c_str(), mp.roofline.Bound(), Format("%.1f", ai).c_str());
    out << buf;
  });
  out << std::string(99, '-') << "\n";
}

void WriteTrainingSection(const ReportModel& r, std::ostream& out) {
  const Estimates& e = *r.estimates;
  const TrainingEstimate& t = *e.training;
  const TrainingOptions& to = e.training_options;
  Header(out, "Training Step");
  Line(out, "tokens per step:",
       std::to_string(t.tokens) + " (batch " + std::to_string(r.workload.batch) + " x " +
           std::to_string(r.workload.seq_len) + ")");
  Line(out, "forward FLOPs (analytic):", HumanCount(t.forward_flops.ToDouble()) + "FLOPs");
  Line(out, "backward FLOPs (per op):",
       HumanCount(t.backward_flops.ToDouble()) + "FLOPs (" +
           Format("%.3f", t.forward_flops > Count(0)
                              ? t.backward_flops.ToDouble() / t.forward_flops.ToDouble()
                              : 0) +
           " x forward)");
  Line(out, "recomputed FLOPs (" + std::string(RecomputeName(to.recompute)) + "):",
       HumanCount(t.recompute_flops.ToDouble()) + "FLOPs");
  Line(out, "model FLOPs per step (fwd + bwd):", HumanCount(t.model_flops.ToDouble()) + "FLOPs");
  Line(out,
       "hardware FLOPs per step (+ recompute):", HumanCount(t.hardware_flops.ToDouble()) + "FLOPs");
  if (t.tokens > 0) {
    Line(out, "model FLOPs per token:",
         HumanCount(t.model_flops.ToDouble() / static_cast<double>(t.tokens)) + "FLOPs");
  }
  const MemoryEstimate& m = e.memory;
  Line(out, "memory per rank:",
       HumanBytes(m.peak) + " (state " + HumanBytes(m.training.total()) + ", saved activations " +
           HumanBytes(m.activations) + ", transient " + HumanBytes(m.transient) + ")");
  if (t.roofline_step_s) Line(out, "roofline step time:", HumanSeconds(*t.roofline_step_s));
  if (t.step_time_s) Line(out, "measured step time:", HumanSeconds(*t.step_time_s));
  if (t.mfu) {
    Line(out, "MFU (model FLOPs utilisation):", Format("%.2f%%", 100 * *t.mfu));
    Line(out, "HFU (with recomputation):", Format("%.2f%%", 100 * *t.hfu));
  } else if (t.step_time_s) {
    Line(out, "MFU:", "needs --hardware or --hardware-file for the peak");
  }
  out << std::string(99, '-') << "\n";
}

}  // namespace
}  // namespace perf_text

std::string HumanBytes(Count bytes) { return HumanBytes(bytes.ToDouble()); }

std::string HumanBytes(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  int u = 0;
  while (b >= 1024 && u < 5) {
    b /= 1024;
    ++u;
  }
  return u == 0 ? perf_text::Format("%.0f B", b) : perf_text::Format("%.2f ", b) + units[u];
}

std::string HumanSeconds(double s) {
  if (s >= 1) return perf_text::Format("%.3f s", s);
  if (s >= 1e-3) return perf_text::Format("%.3f ms", s * 1e3);
  return perf_text::Format("%.3f us", s * 1e6);
}

std::string HumanCount(double v) {
  const char* prefixes[] = {"", "K", "M", "G", "T", "P", "E"};
  int i = 0;
  while (v >= 1000 && i < 6) {
    v /= 1000;
    ++i;
  }
  return perf_text::Format("%.4g ", v) + prefixes[i];
}

void WritePerfSections(const ReportModel& r, const ReportOptions& o, std::ostream& out) {
  if (!r.estimates) return;
  if (o.memory_detail) perf_text::WriteMemorySection(r, out);
  if (r.estimates->latency) perf_text::WriteLatencySection(r, out);
  if (r.estimates->training) perf_text::WriteTrainingSection(r, out);
}

void WriteQuantizationLine(const QuantizedWeights& q, std::ostream& out) {
  out << "quantization: " << q.description << " (quantization_config): " << q.quantized_tensors
      << " weights in " << HumanBytes(q.quantized_bytes) << " ("
      << HumanBytes(q.quantized_dtype_bytes) << " unquantized)";
  if (!q.unquantized.empty()) {
    out << "; left unquantized: ";
    size_t shown = std::min<size_t>(q.unquantized.size(), 8);
    for (size_t i = 0; i < shown; ++i) out << (i ? ", " : "") << OneLine(q.unquantized[i], 200);
    if (shown < q.unquantized.size()) out << ", ... (" << q.unquantized.size() - shown << " more)";
  }
  out << "\n";
}

void WriteMemoryUsageLine(const Estimates& e, std::ostream& out, bool gib) {
  // The seed (calflops' caller) labels GiB as "GBytes"; other conventions say GiB.
  out << "\nMemory usage:\t" << MemoryUsageGiB(e.memory.peak)
      << (gib ? " GiB\n"
              : " GBytes\n");  // the seed file lacks the final newline; a terminal wants it
}

}  // namespace calflops
