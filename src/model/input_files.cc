#include "model/input_files.h"

namespace calflops {
namespace {
thread_local InputFileLog* g_current = nullptr;
}  // namespace

InputFileLog::InputFileLog() : outer_(g_current) { g_current = this; }
InputFileLog::~InputFileLog() { g_current = outer_; }

void NoteInputFile(const std::string& path, const std::string& extension) {
  for (InputFileLog* log = g_current; log; log = log->outer_) {
    log->files_.push_back(InputFile{path, extension});
  }
}

}  // namespace calflops
