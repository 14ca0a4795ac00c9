#pragma once
// Money is an exact integer number of US cents (current US$ of the wage data, 2022). Integer money makes
// every double-entry identity hold exactly, with no tolerance, and makes sums
// independent of the order in which threads add them: integer addition is
// associative, floating-point addition is not (DESIGN.md decisions 1 and 3).
#include <cmath>
#include <cstdint>
#include <limits>

namespace ssesim {

using Money = std::int64_t;

inline constexpr double cents_per_usd = 100.0;

/// Rounds a non-negative, finite amount of US dollars to cents; the caller has
/// checked the amount is finite (model invariants do this).
inline Money usd_to_money(double usd) {
    return static_cast<Money>(std::llround(usd * cents_per_usd));
}

inline double money_to_usd(Money m) { return static_cast<double>(m) / cents_per_usd; }

}  // namespace ssesim
