// Whether this build runs under AddressSanitizer, for tests that size their work to it (an
// instrumented build is some 25x slower). GCC defines __SANITIZE_ADDRESS__; clang 14 (the
// sanitizer build's compiler, scripts/sanitize-build.sh) only answers
// __has_feature(address_sanitizer).
#pragma once

namespace calflops::testing {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kUnderAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kUnderAddressSanitizer = true;
#else
inline constexpr bool kUnderAddressSanitizer = false;
#endif
#else
inline constexpr bool kUnderAddressSanitizer = false;
#endif

}  // namespace calflops::testing
