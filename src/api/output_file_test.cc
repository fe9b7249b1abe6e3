// The general rule behind --output (output_file.h): every path a run noted as read or looked for
// is refused as the output, however it is spelled, and nothing is written for a refused one.
#include "api/output_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "model/error.h"
#include "model/input_files.h"
#include "load/model_source.h"

namespace calflops {
namespace {

namespace fs = std::filesystem;

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteSafetensors(const fs::path& p, const std::string& tensor) {
  std::string header =
      R"({")" + tensor + R"(": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}})";
  uint64_t n = header.size();
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(&n), 8);
  f << header << std::string(8, '\0');
}

TEST(OutputFile, EveryFileTheReadersNotedIsRefused) {
  fs::path d = fs::temp_directory_path() / "calflops_output_file_rule";
  fs::remove_all(d);
  fs::create_directories(d);
  WriteSafetensors(d / "s1.safetensors", "a");
  WriteSafetensors(d / "s2.safetensors", "b");
  std::ofstream(d / "model.safetensors.index.json")
      << R"({"weight_map": {"a": "s1.safetensors", "b": "s2.safetensors"}})";
  for (std::string model : {d.string(), (d / "model.safetensors.index.json").string(),
                            (d / "s1.safetensors").string()}) {
    InputFileLog log;
    LoadModelSource(model);
    ASSERT_FALSE(log.files().empty());
    for (const InputFile& in : log.files()) {
      if (!in.extension.empty()) continue;
      SCOPED_TRACE(model + " read " + in.path);
      std::string before = fs::exists(in.path) ? Read(in.path) : "<absent>";
      try {
        WriteOutputFile(in.path, "report", log.files());
        ADD_FAILURE() << "wrote over " << in.path;
      } catch (const Error& e) {
        EXPECT_EQ(e.code(), ExitCode::kUsage) << e.what();
      }
      // The same file spelled differently: through "./" and a parent hop.
      fs::path p(in.path);
      std::string odd = (p.parent_path() / "." / p.filename()).string();
      EXPECT_THROW(WriteOutputFile(odd, "report", log.files()), Error);
      EXPECT_EQ(fs::exists(in.path) ? Read(in.path) : "<absent>", before);
    }
  }
  // Something the run never looked at is written.
  InputFileLog log;
  LoadModelSource((d / "s1.safetensors").string());
  WriteOutputFile((d / "report.txt").string(), "report", log.files());
  EXPECT_EQ(Read(d / "report.txt"), "report");
}

TEST(OutputFile, NothingIsNotedWithoutALog) {
  NoteInputFile("/nowhere");  // no active log: a no-op, not a crash
  InputFileLog outer;
  {
    InputFileLog inner;
    NoteInputFile("/a");
    EXPECT_EQ(inner.files().size(), 1u);
  }
  EXPECT_EQ(outer.files().size(), 1u);  // nested logs pass notes outwards
}

}  // namespace
}  // namespace calflops
