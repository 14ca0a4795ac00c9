#pragma once
// A uniform random permutation drawn from a counter-based stream (Fisher & Yates
// 1938, in Durstenfeld's 1964 in-place form). Not std::shuffle: the standard leaves
// to each library how it turns the engine's bits into indices, so the same stream
// would give different orders under libstdc++ and libc++ (rng.hpp: use Boost's
// distributions).
#include "ssesim/kernel/rng.hpp"

#include <boost/random/uniform_int_distribution.hpp>

#include <cstddef>
#include <span>
#include <utility>

namespace ssesim::kernel {

/// Puts `values` in a uniformly random order drawn from `stream`.
template <class T>
void shuffle(std::span<T> values, Stream& stream) {
    for (std::size_t i = values.size(); i-- > 1;) {
        boost::random::uniform_int_distribution<std::size_t> pick(0, i);
        std::swap(values[i], values[pick(stream)]);
    }
}

}  // namespace ssesim::kernel
