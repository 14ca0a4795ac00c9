#pragma once
// A one-entry per-thread cache in front of tbb::enumerable_thread_specific::local().
// local() finds the calling thread's element by hashing its thread id into a table,
// on every call; the ledger and the flow tally call it once per payment, which the
// profile showed as a tenth of a step (tools/bench/README.md). The cache keeps, per
// thread, the element last returned and the instance it belongs to, named by a
// number never reused in the process (an address can be, after a destruction).
// Elements of an enumerable_thread_specific do not move while it lives and neither
// owner ever clears it, so a cached pointer stays valid.
#include <oneapi/tbb/enumerable_thread_specific.h>

#include <atomic>
#include <cstdint>

namespace ssesim::kernel::detail {

inline std::uint64_t new_instance_id() noexcept {
    static std::atomic<std::uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

/// The calling thread's element of `ets`, owned by `instance`; `init` runs on an
/// element the first time its thread asks for it.
template <class T, class Init>
T& cached_local(std::uint64_t instance, tbb::enumerable_thread_specific<T>& ets, Init&& init) {
    struct Entry {
        std::uint64_t instance = 0;
        T* element = nullptr;
    };
    thread_local Entry cache;
    if (cache.instance != instance) {
        bool exists = false;
        T& element = ets.local(exists);
        if (!exists) init(element);
        cache = {instance, &element};
    }
    return *cache.element;
}

}  // namespace ssesim::kernel::detail
