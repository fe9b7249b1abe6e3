// A program using the installed library (docs/install.md): the totals of a bundled model, and of
// a training step, through the public API only.
//   cmake -S examples/measure -B build-example -DCMAKE_PREFIX_PATH=<install prefix>
#include <iostream>

#include "calflops/calflops.h"
#include "calflops/option_table.h"

int main(int argc, char** argv) {
  calflops::Options o;
  o.model = argc > 1 ? argv[1] : "llama-3-8b";
  try {
    calflops::ParseOption(o, "seq-len", "128");
    calflops::Totals t = calflops::Measure(o);
    std::cout << o.model << " params " << static_cast<unsigned long long>(t.params) << " macs "
              << static_cast<unsigned long long>(t.macs) << "\n";
    o.mode = calflops::RunMode::kTrain;
    o.zero = 3;
    o.dp = 8;
    calflops::Totals train = calflops::Measure(o);
    std::cout << "train step flops " << static_cast<unsigned long long>(train.flops) << "\n";
    o.mode = calflops::RunMode::kForward;  // --zero does not apply to a forward: an error
    calflops::Measure(o);
  } catch (const calflops::Error& e) {
    std::cout << "error (exit " << static_cast<int>(e.code()) << "): " << e.what() << "\n";
  }
  return 0;
}
