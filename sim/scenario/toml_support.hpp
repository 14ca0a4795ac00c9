#pragma once
// TOML reading shared by the scenario and experiment loaders: bounded file
// reads, parsing with one-line messages, and the small helpers those messages
// are built with. Private to sim/ (toml++ stays out of the public headers).
#include "ssesim/core/error.hpp"

#include <toml++/toml.h>

#include <string>
#include <string_view>

namespace ssesim::scenario::detail {

/// "file:line:col", or "file" for a node without a position.
std::string where(const std::string& file, const toml::source_region& src);
/// "the integer 3", "a table", ... for "expected X, got Y" messages.
std::string describe_node(const toml::node& n);
std::size_t edit_distance(std::string_view a, std::string_view b);
/// `message` with every control character escaped, so that an error stays one line.
std::string one_line(std::string_view message);

/// Runs a loading step; a ScenarioError leaves it with its message made one line.
template <class F>
auto one_line_errors(F&& f) {
    try {
        return f();
    } catch (const ScenarioError& e) {
        std::string message = one_line(e.what());
        if (message == e.what()) throw;
        throw ScenarioError(message);
    }
}

/// The whole file at `path` (at most max_scenario_bytes); `what` names it in messages.
std::string read_text_file(const std::string& path, const char* what = "scenario file");
/// Parses TOML text: refuses NUL bytes, an empty text (`what`: "scenario",
/// "experiment") and absurdly deep keys; syntax errors as "file:line:col: TOML syntax error: ...".
toml::table parse_toml(std::string_view text, const std::string& path, const char* what);

}  // namespace ssesim::scenario::detail
