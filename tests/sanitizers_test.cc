#include "tests/sanitizers.h"

#include <gtest/gtest.h>

// The AddressSanitizer runtime's entry point: linked in exactly when the build uses ASan
// (weak, so null otherwise). A check independent of the compiler's predefined macros, which
// differ between GCC and clang.
extern "C" void __asan_init() __attribute__((weak));

namespace calflops::testing {
namespace {

TEST(Sanitizers, AddressSanitizerIsDetectedWhateverTheCompiler) {
  EXPECT_EQ(kUnderAddressSanitizer, &__asan_init != nullptr);
}

}  // namespace
}  // namespace calflops::testing
