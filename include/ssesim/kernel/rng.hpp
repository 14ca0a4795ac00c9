#pragma once
// Counter-based random streams (DESIGN.md decision 1). A stream is a pure
// function of (seed, replicate, agent id, step, purpose): no generator state is
// shared between agents or threads, so results do not depend on the thread
// count, the scheduling, or the order in which agents are visited. Philox4x64
// (Salmon et al. 2011, Random123) passes BigCrush and needs no warm-up.
//
// A Stream satisfies UniformRandomBitGenerator, so Boost.Random distributions
// can draw from it. Use Boost's distributions, not std's: the std ones are
// implemented differently by each standard library and break bit-reproducibility.
#include <Random123/philox.h>

#include <cstdint>
#include <limits>

namespace ssesim::kernel {

class Stream {
public:
    using result_type = std::uint64_t;

    /// seed and replicate form the key; id, step and purpose the counter.
    Stream(std::uint64_t seed, std::uint64_t replicate, std::uint64_t id, std::uint32_t step,
           std::uint32_t purpose) noexcept
        : key_{{seed, replicate}},
          ctr_{{id, (std::uint64_t{step} << 32) | purpose, 0, 0}} {}

    static constexpr result_type min() noexcept { return 0; }
    static constexpr result_type max() noexcept {
        return std::numeric_limits<result_type>::max();
    }

    result_type operator()() noexcept {
        if (used_ == 4) {
            block_ = philox_(ctr_, key_);
            ++ctr_.v[3];
            used_ = 0;
        }
        return block_.v[used_++];
    }

    /// A double uniform on [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

private:
    using Philox = r123::Philox4x64;
    Philox philox_{};
    Philox::key_type key_;
    Philox::ctr_type ctr_;
    Philox::ctr_type block_{};
    unsigned used_ = 4;
};

}  // namespace ssesim::kernel
