#include "model/input_files.h"

namespace calflops {
namespace input_files {
namespace {
thread_local InputFileLog* g_current = nullptr;
}  // namespace
}  // namespace input_files

InputFileLog::InputFileLog() : outer_(input_files::g_current) { input_files::g_current = this; }
InputFileLog::~InputFileLog() { input_files::g_current = outer_; }

void NoteInputFile(const std::string& path, const std::string& extension) {
  for (InputFileLog* log = input_files::g_current; log; log = log->outer_) {
    log->files_.push_back(InputFile{path, extension});
  }
}

}  // namespace calflops
