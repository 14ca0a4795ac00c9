// libFuzzer target: the world tables, ssesim::scenario::CsvTable and the checks
// the loader makes on the country and pair tables.
//
// Each input is written to <work dir>/table.csv and
//   1. read by CsvTable::read, every cell then taken as text and as a number;
//   2. loaded as world.countries by a fixed scenario of three countries whose
//      pair table is the real one cut down to them;
//   3. loaded as world.pairs by the same scenario with the real country table
//      cut down to the three countries.
// Expected: success or ssesim::Error with a one-line message; anything else is a
// finding (see fuzz_scenario.cpp).
#include "fuzz_support.hpp"

#include "ssesim/scenario/csv.hpp"
#include "ssesim/scenario/loader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <set>
#include <string>

namespace {

namespace fs = std::filesystem;
using ssesim::fuzz::work_dir;

const std::set<std::string> three = {"ESP", "FRA", "ITA"};

/// Columns of the world tables that sim/scenario/loader.cpp reads.
constexpr const char* columns[] = {
    "iso3", "name", "population", "gdp_usd", "wage_per_worker_usd", "informality", "governance",
    "government_share", "sse_maturity", "coop_recognition", "demand_agri_food", "demand_manufacturing",
    "demand_services", "demand_platform_logistics", "demand_education",
    "iso_o", "iso_d", "distw_km", "psychic_distance", "comlang_off", "legal_compat"};

/// The first `key_fields` fields of a CSV line (no quoting in the world tables).
bool row_of_three(const std::string& line, int key_fields) {
    std::size_t start = 0;
    for (int i = 0; i < key_fields; ++i) {
        const std::size_t comma = line.find(',', start);
        if (comma == std::string::npos || !three.contains(line.substr(start, comma - start))) return false;
        start = comma + 1;
    }
    return true;
}

/// Copies the header and the rows of the three countries of a world table.
void cut_down(const fs::path& from, const fs::path& to, int key_fields) {
    std::ifstream in(from);
    std::ofstream out(to);
    std::string line;
    for (bool header = true; std::getline(in, line); header = false)
        if (header || row_of_three(line, key_fields)) out << line << '\n';
    if (!in.eof() || !out) {
        std::fprintf(stderr, "fuzz: cannot cut %s down to %s\n", from.c_str(), to.c_str());
        std::abort();
    }
}

void write_scenario(const fs::path& path, const std::string& countries, const std::string& pairs) {
    std::ofstream out(path);
    out << "[run]\nname = \"fuzz_world\"\nsteps = 1\nseed = 1\n\n"
        << "[world]\ncountries = \"" << countries << "\"\npairs = \"" << pairs << "\"\n"
        << "use = [\"ESP\", \"FRA\", \"ITA\"]\n\n"
        << "[[population]]\ncountry = \"ESP\"\nkind = \"worker_coop\"\nsector = \"manufacturing\"\n"
        << "count = 5\nmission = 0.6\n\n"
        << "[[population]]\ncountry = \"ITA\"\nkind = \"for_profit\"\nsector = \"services\"\ncount = 5\n";
    if (!out) std::abort();
}

struct Setup {
    std::string table, as_countries, as_pairs;
    Setup() {
        const fs::path& dir = work_dir();
        table = (dir / "table.csv").string();
        cut_down(dir / "world" / "countries.csv", dir / "countries3.csv", 1);
        cut_down(dir / "world" / "pairs.csv", dir / "pairs3.csv", 2);
        as_countries = (dir / "as_countries.toml").string();
        as_pairs = (dir / "as_pairs.toml").string();
        write_scenario(as_countries, "table.csv", "pairs3.csv");
        write_scenario(as_pairs, "countries3.csv", "table.csv");
        // The fixed parts must load with the real tables, or the target tests nothing.
        const std::string check = (dir / "check.toml").string();
        write_scenario(check, "countries3.csv", "pairs3.csv");
        ssesim::scenario::load_scenario(check);
    }
};

const Setup& setup() {
    static const Setup s;
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    setup();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ssesim;
    const Setup& s = setup();
    fuzz::write_file(s.table, data, size);
    // CsvTable's messages reach a user only through the loader, which makes them one
    // line (a cell may hold a lone \r): here only the type of a refusal is checked.
    fuzz::expect_clean([&] {
        const scenario::CsvTable t = scenario::CsvTable::read(s.table);
        // CsvTable does not tell its width: reach cells through the columns the
        // loader asks for, each one that the header has.
        const double big = std::numeric_limits<double>::max();
        for (const char* name : columns) {
            std::size_t col = 0;
            try {
                col = t.column(name);
            } catch (const Error&) {
                continue;
            }
            for (std::size_t row = 0; row < t.rows(); ++row) {
                (void)t.text(row, col);
                try {
                    (void)t.number_or(row, col, -big, big, 0);
                } catch (const Error&) {
                }
            }
        }
        for (std::size_t row = 0; row < t.rows(); ++row) (void)t.where(row);
    }, /*check_message=*/false);
    fuzz::expect_clean([&] { (void)scenario::load_scenario(s.as_countries); });
    fuzz::expect_clean([&] { (void)scenario::load_scenario(s.as_pairs); });
    return 0;
}
