#pragma once
// Strict CSV tables for the world files: header row required, every row the
// same width, quoted fields allowed (RFC 4180 style, parsed by
// boost::escaped_list_separator). Errors name file, line and column.
#include <cstddef>
#include <string>
#include <vector>

namespace ssesim::scenario {

/// Largest world table accepted, in bytes (the shipped pairs table is 36 KB).
inline constexpr std::size_t max_csv_bytes = 64 * 1024 * 1024;

class CsvTable {
public:
    /// Reads and splits the whole file; throws ScenarioError on any problem.
    static CsvTable read(const std::string& path);

    const std::string& path() const noexcept { return path_; }
    std::size_t rows() const noexcept { return cells_.size(); }
    /// Index of a header column; throws naming the file and the missing column.
    std::size_t column(const std::string& name) const;
    const std::string& text(std::size_t row, std::size_t col) const { return cells_[row][col]; }
    /// The cell as a finite number in [min, max]; throws naming file, line, column.
    double number(std::size_t row, std::size_t col, double min, double max) const;
    /// Like number(), but an empty cell gives `missing`.
    double number_or(std::size_t row, std::size_t col, double min, double max, double missing) const;
    /// "file:line" of a data row, for messages.
    std::string where(std::size_t row) const;

private:
    std::string path_;
    std::vector<std::string> header_;
    std::vector<std::vector<std::string>> cells_;
    std::vector<std::size_t> line_;
};

}  // namespace ssesim::scenario
