#include "toml_support.hpp"

#include "ssesim/core/format.hpp"
#include "ssesim/scenario/loader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace ssesim::scenario::detail {

namespace fs = std::filesystem;

std::string where(const std::string& file, const toml::source_region& src) {
    if (src.begin.line == 0) return file;
    return file + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

std::string describe_node(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::table: return "a table";
        case toml::node_type::array: return "an array";
        case toml::node_type::string: return "the string \"" + std::string(*n.value<std::string_view>()) + "\"";
        case toml::node_type::integer: return "the integer " + std::to_string(*n.value<std::int64_t>());
        case toml::node_type::floating_point: return "the number " + format_number(*n.value<double>());
        case toml::node_type::boolean: return *n.value<bool>() ? "the boolean true" : "the boolean false";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        default: return "nothing";
    }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

/// `message` with every control character escaped (\n, \r, \t, \xNN), so that an
/// error stays one line whatever text of the input it quotes: toml++'s descriptions
/// quote the offending character raw, and keys, strings and CSV cells may hold any.
std::string one_line(std::string_view message) {
    std::string out;
    out.reserve(message.size());
    for (const char ch : message) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c != 0x7F) {
            out += ch;
        } else if (ch == '\n') {
            out += "\\n";
        } else if (ch == '\r') {
            out += "\\r";
        } else if (ch == '\t') {
            out += "\\t";
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        }
    }
    return out;
}

std::string read_text_file(const std::string& path, const char* what) {
    std::error_code ec;
    if (fs::is_directory(path, ec))
        throw ScenarioError(path + ": is a directory, expected a " + std::string(what) + " (.toml)");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError(path + ": cannot open " + std::string(what) + ": " + std::strerror(errno));
    std::string text;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_scenario_bytes)
            throw ScenarioError(path + ": file larger than " + std::to_string(max_scenario_bytes / (1024 * 1024)) +
                                " MiB; a " + std::string(what) + " is a short text file");
    }
    return text;
}

toml::table parse_toml(std::string_view text, const std::string& path, const char* what) {
    auto position = [&](std::size_t offset) {
        const std::size_t line = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n'));
        const std::size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
        const std::size_t col = line_start == std::string_view::npos || offset == 0 ? offset + 1 : offset - line_start;
        return path + ":" + std::to_string(line) + ":" + std::to_string(col);
    };
    if (const auto nul = text.find('\0'); nul != std::string_view::npos)
        throw ScenarioError(position(nul) + ": binary data (NUL byte), expected a TOML text file");
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw ScenarioError(path + ": empty file, expected a TOML " + std::string(what));
    // toml++ recurses once per part of a dotted key: refuse absurd depths before
    // it can exhaust the stack (a scenario needs three levels).
    {
        std::size_t dots = 0, line_start = 0;
        for (std::size_t i = 0; i < text.size(); ++i) {
            const char c = text[i];
            if (c == '\n') { dots = 0; line_start = i + 1; }
            else if (c == '.' ) {
                if (++dots > max_key_depth)
                    throw ScenarioError(position(line_start) + ": key or table name nested more than " +
                                        std::to_string(max_key_depth) + " levels deep");
            } else if (c == '=' || c == '"' || c == '\'' || c == '#') {
                // past the key: skip to the end of the line
                const std::size_t eol = text.find('\n', i);
                if (eol == std::string_view::npos) break;
                i = eol - 1;
            }
        }
    }
    toml::table root;
    try {
        root = toml::parse(text, std::string_view(path));
    } catch (const toml::parse_error& e) {
        std::string description(e.description());
        // A string running into the end of its line: say so, not "control character".
        const auto& b = e.source().begin;
        if (description.find("unescaped control characters") != std::string::npos) {
            std::size_t offset = 0;
            for (std::size_t line = 1; line < b.line && offset != std::string_view::npos; ++line)
                offset = text.find('\n', offset) + 1;
            const std::size_t at = offset + b.column - 1;
            if (offset != std::string_view::npos && at < text.size() && (text[at] == '\n' || text[at] == '\r'))
                description = "unterminated string (missing closing '\"' before the end of the line)";
        }
        throw ScenarioError(where(path, e.source()) + ": TOML syntax error: " + description);
    }
    return root;
}

}  // namespace ssesim::scenario::detail
