// Helpers for architecture tests on bundled zoo models.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "analysis/analyze.h"
#include "archs/arch_registry.h"
#include "model/active_params.h"
#include "load/model_source.h"

namespace calflops::testing {

inline std::unique_ptr<Architecture> ZooArch(const std::string& model,
                                             AttnImpl impl = AttnImpl::kSdpa) {
  BuildOptions o;
  o.attn = impl;
  return BuildArchitecture(LoadModelConfig(model), o);
}

inline uint64_t ZooParams(const std::string& model) {
  return static_cast<uint64_t>(ZooArch(model)->tree().SubtreeParams()[0].value());
}

inline uint64_t ZooActiveParams(const std::string& model) {
  return static_cast<uint64_t>(ActiveParams(ZooArch(model)->tree()).value());
}

/// Forward of `batch` x `seq` under the analytic convention.
inline Profile ZooForward(const std::string& model, int64_t seq, int64_t batch = 1,
                          AttnImpl impl = AttnImpl::kSdpa) {
  Workload w;
  w.batch = batch;
  w.seq_len = seq;
  return Analyze(*ZooArch(model, impl), w, Convention::kAnalytic);
}

inline const ModuleStats& StatsAt(const Profile& p, const std::string& path) {
  ModuleId id = p.tree.Find(path);
  EXPECT_NE(id, kNoModule) << path;
  static const ModuleStats kNone{};
  return id == kNoModule ? kNone : p.stats[static_cast<size_t>(id)];
}

/// "class | extra_repr" of a module, or "missing".
inline std::string Describe(const ModuleTree& t, const std::string& path) {
  ModuleId id = t.Find(path);
  if (id == kNoModule) return "missing";
  return t[id].class_name + " | " + t[id].extra_repr;
}

/// Dotted names of a module's children in registration order, comma-separated.
inline std::string Children(const ModuleTree& t, const std::string& path) {
  ModuleId id = t.Find(path);
  if (id == kNoModule) return "missing";
  std::string out;
  for (ModuleId c : t[id].children) out += (out.empty() ? "" : ",") + t[c].name;
  return out;
}

}  // namespace calflops::testing
