#include "readers/onnx/ops/op_inputs.h"

#include <charconv>
#include <stdexcept>

namespace calflops::onnx {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

[[noreturn]] void Malformed(std::string_view inputs, std::string_view why) {
  throw std::logic_error("OnnxOp::inputs \"" + std::string(inputs) + "\": " + std::string(why));
}

}  // namespace

std::vector<FormalInput> InputsAt(std::string_view inputs, int64_t opset) {
  // Pick the piece: "names | 10: names | 13: names".
  std::string_view chosen;
  int64_t last_since = -1;
  std::string_view rest = inputs;
  for (bool first = true; first || !rest.empty(); first = false) {
    size_t bar = rest.find('|');
    std::string_view piece = Trim(rest.substr(0, bar));
    rest = bar == std::string_view::npos ? std::string_view() : rest.substr(bar + 1);
    int64_t since = 0;
    if (!first) {
      size_t colon = piece.find(':');
      if (colon == std::string_view::npos) Malformed(inputs, "a later piece needs '<since>:'");
      std::string_view num = Trim(piece.substr(0, colon));
      auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), since);
      if (ec != std::errc() || end != num.data() + num.size() || since <= last_since)
        Malformed(inputs, "opset versions must be numbers in increasing order");
      piece = Trim(piece.substr(colon + 1));
    }
    last_since = since;
    if (first || since <= opset) chosen = piece;
  }
  std::vector<FormalInput> out;
  while (!chosen.empty()) {
    size_t space = chosen.find(' ');
    std::string_view word = chosen.substr(0, space);
    chosen = space == std::string_view::npos ? std::string_view() : Trim(chosen.substr(space));
    FormalInput f;
    if (word.size() > 3 && word.substr(word.size() - 3) == "...") {
      f.variadic = true;
      word.remove_suffix(3);
    }
    if (!word.empty() && word.back() == '?') {
      f.optional = true;
      word.remove_suffix(1);
    }
    if (word.empty() || word.find_first_of("?.|:") != std::string_view::npos)
      Malformed(inputs, "bad input name");
    if (!out.empty() && out.back().variadic) Malformed(inputs, "only the last input is variadic");
    f.name = word;
    out.push_back(f);
  }
  return out;
}

std::string OmittedRequiredInput(const OnnxOp& op, int64_t opset,
                                 std::span<const std::string_view> given) {
  std::vector<FormalInput> formal = InputsAt(op.inputs, opset);
  auto why = [&](size_t i, const FormalInput& f) {
    std::string s = "input " + std::to_string(i) + " ('" + std::string(f.name) + "') of " +
                    std::string(op.op_type) + " (opset " + std::to_string(opset) +
                    ") is required, but the node ";
    if (i < given.size()) return s + "omits it (empty name)";
    return s + "has " + std::to_string(given.size()) + (given.size() == 1 ? " input" : " inputs");
  };
  for (size_t i = 0; i < formal.size(); ++i) {
    const FormalInput& f = formal[i];
    if (f.optional) continue;
    if (i >= given.size() || given[i].empty()) return why(i, f);
    if (f.variadic) {
      for (size_t k = i + 1; k < given.size(); ++k)
        if (given[k].empty()) return why(k, f);
    }
  }
  return {};
}

}  // namespace calflops::onnx
