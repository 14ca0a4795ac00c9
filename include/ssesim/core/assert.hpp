#pragma once
// Cheap preconditions, compiled out in release builds (NDEBUG). Expensive checks
// (stock-flow identities agent by agent) sit behind SSESIM_CHECKS instead.
#include <source_location>
#include <string_view>

namespace ssesim::detail {
[[noreturn]] void assertion_failed(std::string_view condition, std::string_view message,
                                   std::source_location where);
}

#ifdef NDEBUG
#define SSESIM_ASSERT(cond, msg) ((void)0)
#else
#define SSESIM_ASSERT(cond, msg)                                                            \
    ((cond) ? (void)0                                                                       \
            : ::ssesim::detail::assertion_failed(#cond, (msg), std::source_location::current()))
#endif
