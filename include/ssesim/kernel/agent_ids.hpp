#pragma once
// Stable agent ids. Slots are always in ascending id order: births append new,
// larger ids, exits compact the columns in place keeping the order. So "in id
// order" and "in slot order" are the same, and an agent's random streams (keyed
// by id) do not change when others are born or exit.
#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

namespace ssesim::kernel {

/// Applies a compaction plan to one column: keeps the listed slots, in order.
template <class Column>
void compact_column(Column& column, std::span<const std::uint32_t> kept_slots) {
    std::size_t out = 0;
    for (std::uint32_t slot : kept_slots) column[out++] = column[slot];
    column.resize(out);
}

/// Slot of `id` in an ascending id column, or -1.
inline std::int64_t slot_of(std::span<const std::uint64_t> ids, std::uint64_t id) {
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    return (it != ids.end() && *it == id) ? (it - ids.begin()) : -1;
}

}  // namespace ssesim::kernel
