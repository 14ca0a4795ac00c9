#pragma once
#include <sstream>
#include <string>

namespace ssesim {

/// Shortest readable text of a number for messages: 0.5, 1e+06, nan.
inline std::string format_number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

}  // namespace ssesim
