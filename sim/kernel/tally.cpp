#include "ssesim/kernel/tally.hpp"

#include "ssesim/core/assert.hpp"

#include "local_cache.hpp"

#include <algorithm>

namespace ssesim::kernel {

TallyTable::TallyTable() : cells_(64, TallyCell{empty, 0, 0}) {}

std::size_t TallyTable::slot_of(std::uint64_t key) const noexcept {
    // Fibonacci hashing; the capacity is a power of two.
    const std::uint64_t h = key * 0x9E3779B97F4A7C15ull;
    std::size_t s = static_cast<std::size_t>(h >> 20) & (cells_.size() - 1);
    while (cells_[s].key != empty && cells_[s].key != key) s = (s + 1) & (cells_.size() - 1);
    return s;
}

void TallyTable::add(std::uint64_t key, std::int64_t value) {
    SSESIM_ASSERT(key != empty, "tally key ~0 is reserved");
    std::size_t s = slot_of(key);
    if (cells_[s].key == empty) {
        if (2 * (used_ + 1) > cells_.size()) {
            grow();
            s = slot_of(key);
        }
        cells_[s].key = key;
        occupied_.push_back(s);
        ++used_;
    }
    cells_[s].value += value;
    ++cells_[s].count;
}

void TallyTable::grow() {
    std::vector<TallyCell> old = std::move(cells_);
    std::vector<std::size_t> old_occupied = std::move(occupied_);
    cells_.assign(old.size() * 2, TallyCell{empty, 0, 0});
    occupied_.clear();
    for (std::size_t s : old_occupied) {
        const std::size_t t = slot_of(old[s].key);
        cells_[t] = old[s];
        occupied_.push_back(t);
    }
}

void TallyTable::clear() {
    for (std::size_t s : occupied_) cells_[s] = TallyCell{empty, 0, 0};
    occupied_.clear();
    used_ = 0;
}

void TallyTable::merge_into(TallyTable& into) const {
    for (std::size_t s : occupied_) {
        const TallyCell& c = cells_[s];
        std::size_t t = into.slot_of(c.key);
        if (into.cells_[t].key == empty) {
            if (2 * (into.used_ + 1) > into.cells_.size()) {
                into.grow();
                t = into.slot_of(c.key);
            }
            into.cells_[t].key = c.key;
            into.occupied_.push_back(t);
            ++into.used_;
        }
        into.cells_[t].value += c.value;
        into.cells_[t].count += c.count;
    }
}

std::vector<TallyCell> TallyTable::sorted() const {
    std::vector<TallyCell> out;
    out.reserve(used_);
    for (std::size_t s : occupied_) out.push_back(cells_[s]);
    std::sort(out.begin(), out.end(), [](const TallyCell& a, const TallyCell& b) { return a.key < b.key; });
    return out;
}

struct Tally::Impl {
    tbb::enumerable_thread_specific<TallyTable> tables;
    TallyTable merged;
    std::uint64_t instance = detail::new_instance_id();
};

Tally::Tally() : impl_(std::make_unique<Impl>()) {}
Tally::~Tally() = default;
Tally::Tally(Tally&&) noexcept = default;
Tally& Tally::operator=(Tally&&) noexcept = default;

void Tally::add(std::uint64_t key, std::int64_t value) {
    detail::cached_local(impl_->instance, impl_->tables, [](TallyTable&) {}).add(key, value);
}

std::vector<TallyCell> Tally::collect() {
    impl_->merged.clear();
    for (TallyTable& t : impl_->tables) {
        t.merge_into(impl_->merged);
        t.clear();
    }
    return impl_->merged.sorted();
}

}  // namespace ssesim::kernel
