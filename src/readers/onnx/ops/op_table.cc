// The one explicit list of ONNX operator families. A new operator: one OnnxOp entry in its family
// file; a new family: one line here. A (domain, op_type) listed twice (aliases of the default
// domain included) stops the program at the first lookup; the registry test checks it first.
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "readers/onnx/op_context.h"

namespace calflops::onnx {
namespace op_table {
namespace {

using FamilyFn = std::span<const OnnxOp> (*)();
constexpr FamilyFn kFamilies[] = {
    ElementwiseOnnxOps, ShapeOnnxOps,    LayoutOnnxOps,    IndexingOnnxOps,
    NnOnnxOps,          MathOnnxOps,     ReductionOnnxOps, RnnOnnxOps,
    ControlFlowOnnxOps, SequenceOnnxOps, MiscOnnxOps,      ContribOnnxOps,
};

std::string Key(const OnnxOp& op) {
  return std::string(CanonicalDomain(op.domain)) + ":" + std::string(op.op_type);
}

struct Table {
  std::vector<OnnxOp> all;
  std::unordered_map<std::string, const OnnxOp*> by_name;
  Table() {
    for (FamilyFn family : kFamilies)
      for (const OnnxOp& op : family()) all.push_back(op);
    if (std::string twice = DuplicateOnnxOp(all); !twice.empty())
      throw std::logic_error("ONNX op listed twice: " + twice);
    for (const OnnxOp& op : all) by_name.emplace(Key(op), &op);
  }
};

const Table& GetTable() {
  static const Table table;
  return table;
}

}  // namespace
}  // namespace op_table

std::string DuplicateOnnxOp(std::span<const OnnxOp> ops) {
  std::unordered_map<std::string, int> seen;
  for (const OnnxOp& op : ops)
    if (++seen[op_table::Key(op)] == 2) return op_table::Key(op);
  return {};
}

const OnnxOp* FindOnnxOp(std::string_view domain, std::string_view op_type) {
  const op_table::Table& t = op_table::GetTable();
  std::string key;
  key.reserve(domain.size() + op_type.size() + 1);
  key.append(CanonicalDomain(domain)).append(":").append(op_type);
  auto it = t.by_name.find(key);
  return it == t.by_name.end() ? nullptr : it->second;
}

std::span<const OnnxOp> AllOnnxOps() { return op_table::GetTable().all; }

}  // namespace calflops::onnx
