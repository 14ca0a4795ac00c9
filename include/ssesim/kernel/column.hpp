#pragma once
// Storage of one attribute of every agent: a column of a structure of arrays
// (DESIGN.md decision 2), a std::vector whose allocator staggers where in a
// memory page each column starts.
//
// Why: glibc serves blocks of 128 KiB and more from mmap, page-aligned, so the
// columns of a large population would all start at the same offset within a page.
// A loop over agents that reads row i of twenty columns then reads twenty
// addresses equal modulo 4096: they fall into the same set of the L1 data cache
// (64 sets of 64-byte lines: addresses 4 KiB apart share a set) and evict one
// another, and their loads alias in the store buffer. `learn`, which reads about
// twenty columns, ran three times slower in that state (tools/bench/README.md,
// "Column placement"). Each column therefore starts at its own multiple of 64
// bytes within a page-aligned block, taken in turn from a per-process counter.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <vector>

namespace ssesim::kernel {

namespace detail {
inline constexpr std::size_t page_bytes = 4096, line_bytes = 64;
/// The next column's offset within its page: a multiple of 64 bytes, successive
/// columns 23 lines apart (23 and 64 are coprime: all 64 offsets come in turn).
inline std::size_t next_column_offset() noexcept {
    static std::atomic<std::size_t> count{0};
    return (count.fetch_add(1, std::memory_order_relaxed) * 23 % (page_bytes / line_bytes)) * line_bytes;
}
}  // namespace detail

template <class T>
struct ColumnAllocator {
    using value_type = T;
    static_assert(alignof(T) <= detail::line_bytes);

    ColumnAllocator() noexcept = default;
    template <class U>
    ColumnAllocator(const ColumnAllocator<U>&) noexcept {}

    T* allocate(std::size_t n) {
        const std::size_t offset = detail::next_column_offset();
        if (n > (std::numeric_limits<std::size_t>::max() - offset) / sizeof(T)) throw std::bad_array_new_length();
        void* block = ::operator new(n * sizeof(T) + offset, std::align_val_t{detail::page_bytes});
        return reinterpret_cast<T*>(static_cast<char*>(block) + offset);
    }
    void deallocate(T* p, std::size_t) noexcept {
        // the block is page-aligned and the offset less than a page: its start is p's page
        const auto address = reinterpret_cast<std::uintptr_t>(p);
        ::operator delete(reinterpret_cast<void*>(address - address % detail::page_bytes), std::align_val_t{detail::page_bytes});
    }
    friend bool operator==(const ColumnAllocator&, const ColumnAllocator&) noexcept { return true; }
};

template <class T>
using Column = std::vector<T, ColumnAllocator<T>>;

}  // namespace ssesim::kernel
