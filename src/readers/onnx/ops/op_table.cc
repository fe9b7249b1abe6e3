// The one explicit list of ONNX operator families. A new operator: one OnnxOp entry in its family
// file; a new family: one line here. The registry test checks that no (domain, op_type) is listed
// twice and that every rule has an inference function.
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "readers/onnx/op_context.h"

namespace calflops::onnx {
namespace {

using FamilyFn = std::span<const OnnxOp> (*)();
constexpr FamilyFn kFamilies[] = {
    ElementwiseOnnxOps, TensorOnnxOps,      NnOnnxOps,       MathOnnxOps, ReductionOnnxOps,
    RnnOnnxOps,         ControlFlowOnnxOps, SequenceOnnxOps, MiscOnnxOps, ContribOnnxOps,
};

struct Table {
  std::vector<OnnxOp> all;
  std::unordered_map<std::string, const OnnxOp*> by_name;
  Table() {
    for (FamilyFn family : kFamilies)
      for (const OnnxOp& op : family()) all.push_back(op);
    for (const OnnxOp& op : all) {
      std::string key = std::string(op.domain) + ":" + std::string(op.op_type);
      if (!by_name.emplace(key, &op).second) throw std::logic_error("ONNX op listed twice: " + key);
    }
  }
};

const Table& GetTable() {
  static const Table table;
  return table;
}

}  // namespace

const OnnxOp* FindOnnxOp(std::string_view domain, std::string_view op_type) {
  const Table& t = GetTable();
  std::string key;
  key.reserve(domain.size() + op_type.size() + 1);
  key.append(CanonicalDomain(domain)).append(":").append(op_type);
  auto it = t.by_name.find(key);
  return it == t.by_name.end() ? nullptr : it->second;
}

std::span<const OnnxOp> AllOnnxOps() { return GetTable().all; }

}  // namespace calflops::onnx
