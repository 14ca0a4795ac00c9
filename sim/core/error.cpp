#include "ssesim/core/assert.hpp"
#include "ssesim/core/error.hpp"

#include <string>

namespace ssesim::detail {

void assertion_failed(std::string_view condition, std::string_view message,
                      std::source_location where) {
    throw InvariantError(std::string(where.file_name()) + ":" + std::to_string(where.line()) +
                         ": assertion '" + std::string(condition) +
                         "' failed: " + std::string(message));
}

}  // namespace ssesim::detail
