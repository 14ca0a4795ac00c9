#include "ssesim/scenario/csv.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/core/format.hpp"

#include <boost/tokenizer.hpp>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace ssesim::scenario {

CsvTable CsvTable::read(const std::string& path) {
    // A world table is a small regular file: a device, a pipe or a huge file is refused
    // before reading (a line of /dev/zero never ends).
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status))
        throw ScenarioError(path + ": not a regular file, expected a CSV table");
    if (const auto size = std::filesystem::file_size(path, ec); !ec && size > max_csv_bytes)
        throw ScenarioError(path + ": file larger than " + std::to_string(max_csv_bytes / (1024 * 1024)) +
                            " MiB; a world table is a small CSV file");
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ScenarioError(path + ": cannot open file: " + std::strerror(errno));
    CsvTable t;
    t.path_ = path;
    using Tokenizer = boost::tokenizer<boost::escaped_list_separator<char>>;
    std::string line;
    std::size_t line_no = 0;
    while (std::getline(in, line)) {
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line_no == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
        if (line.empty()) continue;
        std::vector<std::string> fields;
        try {
            Tokenizer tok(line, boost::escaped_list_separator<char>('\\', ',', '"'));
            fields.assign(tok.begin(), tok.end());
        } catch (const boost::escaped_list_error& e) {
            throw ScenarioError(path + ":" + std::to_string(line_no) + ": malformed CSV: " + e.what());
        }
        if (t.header_.empty()) {
            t.header_ = std::move(fields);
            continue;
        }
        if (fields.size() != t.header_.size()) {
            throw ScenarioError(path + ":" + std::to_string(line_no) + ": expected " +
                                std::to_string(t.header_.size()) + " fields as in the header, got " +
                                std::to_string(fields.size()));
        }
        t.cells_.push_back(std::move(fields));
        t.line_.push_back(line_no);
    }
    if (t.header_.empty()) throw ScenarioError(path + ": empty file, expected a CSV header row");
    return t;
}

std::size_t CsvTable::column(const std::string& name) const {
    for (std::size_t c = 0; c < header_.size(); ++c)
        if (header_[c] == name) return c;
    throw ScenarioError(path_ + ":1: missing column '" + name + "'");
}

std::string CsvTable::where(std::size_t row) const { return path_ + ":" + std::to_string(line_[row]); }

double CsvTable::number(std::size_t row, std::size_t col, double min, double max) const {
    const std::string& s = cells_[row][col];
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v) ||
        v < min || v > max) {
        throw ScenarioError(where(row) + ": column '" + header_[col] + "': expected a number in [" +
                            format_number(min) + ", " + format_number(max) + "], got '" + s + "'");
    }
    return v;
}

double CsvTable::number_or(std::size_t row, std::size_t col, double min, double max,
                           double missing) const {
    return cells_[row][col].empty() ? missing : number(row, col, min, max);
}

}  // namespace ssesim::scenario
