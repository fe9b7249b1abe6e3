// ONNX graphs (.onnx, or a file starting with a ModelProto's ir_version tag): read and lowered by
// readers/onnx. A graph's inputs have fixed sizes or symbolic dims; --batch-size and --seq-len
// bind the symbolic ones named like a batch or a sequence, and are refused by a graph without.
#include "load/source.h"
#include "model/error.h"

namespace calflops {
namespace onnx_source {
namespace {

LoadedModel LoadOnnx(const std::string& model, const LoadOptions& options) {
  auto arch = onnx::OnnxArchitecture::Load(model, options.onnx);
  if (options.batch_given && !arch->takes_batch()) {
    throw Error(ExitCode::kUsage, "--batch-size",
                "does not apply to " + model +
                    ": no graph input has a symbolic batch dimension (bind dims with --dim or "
                    "--input-shape)");
  }
  if (options.seq_len_given && !arch->takes_seq_len()) {
    throw Error(ExitCode::kUsage, "--seq-len",
                "does not apply to " + model +
                    ": no graph input has a symbolic sequence dimension (bind dims with --dim or "
                    "--input-shape)");
  }
  LoadedModel m;
  m.kinds = arch->kinds();
  m.arch = std::move(arch);
  return m;
}

}  // namespace
}  // namespace onnx_source

const SourceKind& OnnxSource() {
  static const SourceKind s{"onnx", onnx::IsOnnxModel, onnx_source::LoadOnnx};
  return s;
}

}  // namespace calflops
