// An ONNX model as an Architecture: the module tree rebuilt from exporter scopes
// (module_scopes.h), parameters from the initializers, and the forward pass replaying every
// node's Op records (lowered once, after shape inference) into the tracer. Report writers and the
// analysis see it like any other architecture.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "model/architecture.h"
#include "readers/onnx/onnx_model.h"

namespace calflops::onnx {

struct OnnxOptions {
  /// Symbolic dimension values (--dim batch=1).
  std::map<std::string, int64_t, std::less<>> dims;
  /// Input shapes (--input-shape input_ids=1x128).
  std::map<std::string, std::vector<int64_t>, std::less<>> input_shapes;
  /// Defaults for symbolic input dims not bound explicitly: names containing "batch" take
  /// `batch`, names containing "seq" or "sequence" (but not "past" or "total") take `seq_len`.
  int64_t batch = 1;
  int64_t seq_len = 128;
};

class OnnxArchitecture final : public Architecture {
 public:
  /// Reads, infers and lowers an .onnx file. Throws located errors for malformed files.
  static std::unique_ptr<OnnxArchitecture> Load(const std::string& path,
                                                const OnnxOptions& options);
  /// The same for a model already parsed.
  static std::unique_ptr<OnnxArchitecture> Build(const Model& model, const OnnxOptions& options);

  /// One forward call (a graph has no notion of generation steps).
  std::vector<ForwardCall> Plan(const Workload& w) const override;
  uint32_t kinds() const override { return kOnnx; }
  void Forward(Tracer& t, const ForwardCall& call) const override;

  /// The symbolic dims the analysis used, as bound (explicitly or by default).
  const std::map<std::string, int64_t, std::less<>>& bound_dims() const { return bound_dims_; }
  /// Whether some symbolic input dimension took OnnxOptions::batch / seq_len: a fixed-shape
  /// graph has none, and then --batch-size / --seq-len do not apply to it.
  bool takes_batch() const { return takes_batch_; }
  bool takes_seq_len() const { return takes_seq_len_; }

 private:
  OnnxArchitecture() : Architecture(DType::kF32) {}
  struct Record {
    ModuleId module;
    Op op;
    int64_t times;
  };
  std::vector<Record> records_;
  std::map<std::string, int64_t, std::less<>> bound_dims_;
  bool takes_batch_ = false, takes_seq_len_ = false;
  friend class OnnxBuilder;
};

}  // namespace calflops::onnx
