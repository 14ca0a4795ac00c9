#pragma once
// Integer tallies keyed by a 64-bit key, added to from inside parallel phases
// and collected between phases in key order. Each thread adds into a table of
// its own; collect() merges them. Values are integers, so the merged sums do
// not depend on which thread added what or in which order (DESIGN.md
// decision 1): this is how ssesim records every flow by kind, countries and
// organisation kinds without a floating-point reduction.
#include <cstdint>
#include <memory>
#include <vector>

namespace ssesim::kernel {

struct TallyCell {
    std::uint64_t key;
    std::int64_t value;   ///< sum of the values added under this key
    std::int64_t count;   ///< number of additions under this key
};

/// One thread's table: open addressing with linear probing, growing at half load.
class TallyTable {
public:
    TallyTable();
    void add(std::uint64_t key, std::int64_t value);
    /// Empties the table, keeping its capacity.
    void clear();
    /// Adds every cell of this table into `into`.
    void merge_into(TallyTable& into) const;
    /// The cells, sorted by key.
    std::vector<TallyCell> sorted() const;
    std::size_t size() const noexcept { return used_; }

private:
    static constexpr std::uint64_t empty = ~std::uint64_t{0};
    void grow();
    std::size_t slot_of(std::uint64_t key) const noexcept;
    std::vector<TallyCell> cells_;
    std::vector<std::size_t> occupied_;   // slots in use, so clear() and merge cost what is used
    std::size_t used_ = 0;
};

/// Per-thread tables behind one interface. add() is thread-safe; collect() is not
/// (call it between phases).
class Tally {
public:
    Tally();
    ~Tally();
    Tally(const Tally&) = delete;
    Tally& operator=(const Tally&) = delete;
    Tally(Tally&&) noexcept;
    Tally& operator=(Tally&&) noexcept;

    /// `key` must not be ~0 (reserved for empty cells).
    void add(std::uint64_t key, std::int64_t value);
    /// Merges every thread's additions since the last collect, sorted by key, and
    /// empties the thread tables.
    std::vector<TallyCell> collect();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace ssesim::kernel
