#pragma once
// The parameter registry: every scenario parameter declared once, with its type,
// default, unit, range and meaning. The loader reads and checks values through
// it and rejects any key it does not list; `ssesim describe` prints it.
#include <span>
#include <string>
#include <string_view>

namespace ssesim::scenario {

enum class ParamType {
    integer,       ///< TOML integer
    real,          ///< TOML float or integer
    string,        ///< free text
    path,          ///< file path, relative to the scenario file
    enumeration,   ///< one of `choices`
    country,       ///< an ISO3 code of a country in world.use
    country_list,  ///< array of ISO3 codes of the world file
    boolean,       ///< true or false
    enum_list,     ///< array of distinct values of `choices`
    name_list,     ///< array of distinct non-empty names
    real_list,     ///< array of numbers, each in the range
};

std::string_view type_name(ParamType t);

struct ParamSpec {
    std::string_view key;            ///< "economy.elasticity"; "population[].count" in arrays of tables
    ParamType type;
    std::string_view default_value;  ///< TOML literal; empty: the key is required
    std::string_view unit;
    double min;                      ///< range for integer and real parameters
    double max;
    bool min_exclusive;
    bool max_exclusive;
    std::string_view choices;        ///< "a|b|c" for enumerations
    std::string_view meaning;
    std::string_view source;         ///< where the default comes from: a setting, a source, or an assumption

    bool required() const noexcept { return default_value.empty(); }
    bool has_range() const noexcept { return type == ParamType::integer || type == ParamType::real; }
    /// "a number in (1, 50]", "an integer in [0, 1000000]", "one of a, b, c", ...
    std::string expected() const;
    bool in_range(double v) const noexcept;
};

/// Every parameter, in the order `describe` prints them.
std::span<const ParamSpec> parameters();
/// The registered parameter with this key, or nullptr.
const ParamSpec* find_parameter(std::string_view key);
/// Tables a scenario may contain ("run", "economy.sector_demand", "population[]", ...).
std::span<const std::string_view> tables();
/// True when `key` names a table of the registry.
bool is_table(std::string_view key);

/// The registry as a Markdown table or as an annotated TOML file of defaults.
std::string describe_markdown();
std::string describe_toml();

}  // namespace ssesim::scenario
