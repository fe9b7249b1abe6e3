#include "readers/onnx/module_scopes.h"

namespace calflops::onnx {

std::vector<std::string> ParsePyStringList(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    char q = s[i];
    if (q != '\'' && q != '"') {
      ++i;
      continue;
    }
    std::string item;
    ++i;
    while (i < s.size() && s[i] != q) {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      item += s[i++];
    }
    ++i;  // closing quote
    out.push_back(std::move(item));
  }
  return out;
}

namespace module_scopes {
namespace {

std::vector<std::string> Split(std::string_view s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

std::string LastDotted(const std::string& s) {
  auto p = s.rfind('.');
  return p == std::string::npos ? s : s.substr(p + 1);
}

}  // namespace
}  // namespace module_scopes

std::vector<std::string> ScopeFromName(std::string_view name, std::vector<std::string>* classes) {
  std::vector<std::string> path;
  if (name.empty() || name[0] != '/') return path;
  std::vector<std::string> segs = module_scopes::Split(name.substr(1), '/');
  if (!segs.empty()) segs.pop_back();  // the op itself: "Conv", "Add_3"
  for (const std::string& seg : segs) {
    if (seg.empty()) continue;
    std::vector<std::string> parts = module_scopes::Split(seg, '.');
    size_t from = 0;
    // "layer1.0" under "layer1": the first part repeats the parent.
    if (parts.size() > 1 && !path.empty() && parts[0] == path.back()) from = 1;
    for (size_t i = from; i < parts.size(); ++i) {
      if (parts[i].empty()) continue;
      path.push_back(parts[i]);
      // Components before the last of a dotted segment are uncalled containers (ModuleList).
      if (classes) classes->push_back(i + 1 < parts.size() ? "ModuleList" : "");
    }
  }
  return path;
}

NodeScope ScopeOfNode(const Node& n) {
  NodeScope s;
  std::string_view scopes = n.Meta("pkg.torch.onnx.name_scopes");
  if (!scopes.empty()) {
    std::vector<std::string> names = ParsePyStringList(scopes);
    std::vector<std::string> classes = ParsePyStringList(n.Meta("pkg.torch.onnx.class_hierarchy"));
    if (names.size() >= 2) {
      s.from_metadata = true;
      if (!classes.empty()) s.root_class = module_scopes::LastDotted(classes[0]);
      // Entries 1 .. size-2 are cumulative module paths; the last entry is the node itself.
      std::string prev;
      for (size_t i = 1; i + 1 < names.size(); ++i) {
        const std::string& full = names[i];
        std::string cls = i < classes.size() ? module_scopes::LastDotted(classes[i]) : "";
        std::string rel = full;
        if (!prev.empty() && full.rfind(prev + ".", 0) == 0) rel = full.substr(prev.size() + 1);
        std::vector<std::string> parts = module_scopes::Split(rel, '.');
        for (size_t k = 0; k < parts.size(); ++k) {
          s.path.push_back(parts[k]);
          // Components between two recorded scopes are uncalled containers (ModuleList).
          s.classes.push_back(k + 1 == parts.size() ? cls : "ModuleList");
        }
        prev = full;
      }
      return s;
    }
  }
  s.path = ScopeFromName(n.name, &s.classes);
  return s;
}

}  // namespace calflops::onnx
