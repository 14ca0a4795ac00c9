#include "ssesim/scenario/loader.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/core/format.hpp"
#include "ssesim/scenario/csv.hpp"
#include "ssesim/scenario/registry.hpp"
#include "toml_support.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <deque>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

namespace ssesim::scenario {
namespace {

/// The names whose bit is set in `mask`, comma-separated.
template <std::size_t N>
std::string names_in(std::uint32_t mask, const std::array<std::string_view, N>& names) {
    std::string out;
    for (std::size_t k = 0; k < N; ++k)
        if (mask & (1u << k)) out += (out.empty() ? "" : ", ") + std::string(names[k]);
    return out;
}

using namespace detail;

namespace fs = std::filesystem;
using namespace std::string_view_literals;

/// The keys a table may hold, for "unknown key" messages.
std::vector<std::string> keys_of_table(std::string_view table) {
    std::vector<std::string> out;
    auto add = [&](std::string_view full) {
        std::string_view rest = full;
        if (!table.empty()) {
            if (!full.starts_with(table) || full.size() <= table.size() || full[table.size()] != '.') return;
            rest = full.substr(table.size() + 1);
        }
        std::string leaf(rest.substr(0, rest.find('.')));
        if (leaf.ends_with("[]")) leaf.resize(leaf.size() - 2);
        if (std::find(out.begin(), out.end(), leaf) == out.end()) out.push_back(leaf);
    };
    for (const ParamSpec& p : parameters()) add(p.key);
    for (std::string_view t : tables()) add(t);
    return out;
}

/// A registry default (a TOML literal) as a one-key table {v = literal}.
toml::table parse_default(std::string_view literal) {
    const std::string line = "v = " + std::string(literal);
    return toml::parse(std::string_view(line));
}

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const toml::source_region& src, std::string_view key,
                           const std::string& problem) const {
        // A value may come from another file (an archetype): name the file it is in.
        throw ScenarioError(where(src.path ? *src.path : file_, src) + ": " + std::string(key) + ": " + problem);
    }

    // ---- unknown keys, at every level ----
    void check_keys(const toml::table& table, const std::string& prefix) const {
        for (auto&& [k, node] : table) {
            const std::string leaf(k.str());
            const std::string full = prefix.empty() ? leaf : prefix + "." + leaf;
            const ParamSpec* spec = find_parameter(full);
            if (spec) {
                if (node.is_table())
                    fail(node.source(), full, "expected " + spec->expected() + ", got a table");
                continue;
            }
            if (is_table(full)) {
                if (is_table(full + "[]")) {  // an array of tables: [[population]], [[policy]]
                    const toml::array* arr = node.as_array();
                    if (!arr || !(arr->empty() || arr->is_array_of_tables()))
                        fail(node.source(), full,
                             "expected an array of tables ([[" + full + "]]), got " + describe_node(node));
                    for (const toml::node& element : *arr)
                        check_keys(*element.as_table(), full + "[]");
                    continue;
                }
                if (!node.is_table()) fail(node.source(), full, "expected a table, got " + describe_node(node));
                check_keys(*node.as_table(), full);
                continue;
            }
            std::string hint;
            std::size_t best = 3;
            for (const std::string& candidate : keys_of_table(prefix)) {
                const std::size_t d = edit_distance(leaf, candidate);
                if (d < best) {
                    best = d;
                    hint = candidate;
                }
            }
            const bool in_array = prefix.ends_with("[]");
            const std::string array_name = in_array ? prefix.substr(0, prefix.size() - 2) : std::string();
            const std::string shown = in_array ? array_name + "." + leaf : full;
            std::string message = "unknown key";
            const std::vector<std::string> keys = keys_of_table(prefix);
            if (!hint.empty()) {
                message += " (did you mean '" + hint + "'?)";
            } else if (keys.size() <= 12) {
                message += " (expected one of:";
                for (const std::string& c : keys) message += " " + c;
                message += ")";
            } else {
                const std::string where_in = in_array ? "[[" + array_name + "]]" : prefix.empty() ? "the top level" : "[" + prefix + "]";
                message += " (not a key of " + where_in + "; `ssesim describe` lists them)";
            }
            fail(k.source(), shown, message);
        }
    }

    // ---- typed reads through the registry ----
    /// The node for `key` inside `table`, or the registry default parsed as TOML.
    const toml::node* node_for(const toml::table& table, std::string_view key, std::string_view shown,
                               const toml::source_region& table_src) {
        const ParamSpec* spec = find_parameter(key);
        if (!spec) throw Error("internal error: parameter '" + std::string(key) + "' is not registered");
        const std::string leaf(key.substr(key.rfind('.') + 1));
        if (const toml::node* n = table.get(leaf)) return n;
        if (fallback_)
            if (const toml::node* n = fallback_->get(leaf)) return n;
        if (spec->required())
            fail(table_src, shown, "missing required key (expected " + spec->expected() + ")");
        defaults_.push_back(parse_default(spec->default_value));
        return defaults_.back().get("v");
    }

    std::int64_t integer(const toml::table& t, std::string_view key, std::string_view shown,
                         const toml::source_region& tsrc) {
        const ParamSpec& spec = *find_parameter(key);
        const toml::node* n = node_for(t, key, shown, tsrc);
        if (!n->is_integer()) fail(n->source(), shown, "expected " + spec.expected() + ", got " + describe_node(*n));
        const std::int64_t v = *n->value<std::int64_t>();
        if (!spec.in_range(static_cast<double>(v)))
            fail(n->source(), shown, "expected " + spec.expected() + ", got " + std::to_string(v));
        return v;
    }

    double real(const toml::table& t, std::string_view key, std::string_view shown,
                const toml::source_region& tsrc) {
        const ParamSpec& spec = *find_parameter(key);
        const toml::node* n = node_for(t, key, shown, tsrc);
        if (!n->is_number()) fail(n->source(), shown, "expected " + spec.expected() + ", got " + describe_node(*n));
        // toml++ gives no double for an integer beyond +-2^53 (not exactly representable):
        // out of every range here, so say so rather than read an empty optional.
        const std::optional<double> value = n->value<double>();
        if (!value)
            fail(n->source(), shown, "expected " + spec.expected() + ", got " + std::to_string(*n->value<std::int64_t>()));
        const double v = *value;
        if (!spec.in_range(v))
            fail(n->source(), shown, "expected " + spec.expected() + ", got " + format_number(v));
        return v;
    }

    std::pair<std::string, toml::source_region> string(const toml::table& t, std::string_view key,
                                                       std::string_view shown,
                                                       const toml::source_region& tsrc) {
        const ParamSpec& spec = *find_parameter(key);
        const toml::node* n = node_for(t, key, shown, tsrc);
        if (!n->is_string()) fail(n->source(), shown, "expected " + spec.expected() + ", got " + describe_node(*n));
        return {std::string(*n->value<std::string_view>()), n->source()};
    }

    bool boolean(const toml::table& t, std::string_view key, std::string_view shown, const toml::source_region& tsrc) {
        const toml::node* n = node_for(t, key, shown, tsrc);
        if (!n->is_boolean()) fail(n->source(), shown, "expected true or false, got " + describe_node(*n));
        return *n->value<bool>();
    }

    /// An array of distinct names among the parameter's choices, as a bit set of
    /// their indices in `names` (the choices are a prefix of `names`).
    template <std::size_t N>
    std::uint32_t enum_set(const toml::table& t, std::string_view key, std::string_view shown,
                           const toml::source_region& tsrc, const std::array<std::string_view, N>& names) {
        const ParamSpec& spec = *find_parameter(key);
        const toml::node* n = node_for(t, key, shown, tsrc);
        const toml::array* arr = n->as_array();
        if (!arr) fail(n->source(), shown, "expected " + spec.expected() + ", got " + describe_node(*n));
        std::uint32_t set = 0;
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& e = *arr->get(i);
            const std::string at = std::string(shown) + "[" + std::to_string(i) + "]";
            std::string one_of = "expected one of ";
            for (char ch : spec.choices) one_of += ch == '|' ? std::string(", ") : std::string(1, ch);
            if (!e.is_string()) fail(e.source(), at, one_of + ", got " + describe_node(e));
            const std::string_view v = *e.value<std::string_view>();
            std::size_t k = 0, allowed = 1 + static_cast<std::size_t>(std::count(spec.choices.begin(), spec.choices.end(), '|'));
            while (k < allowed && k < N && names[k] != v) ++k;
            if (k == allowed || k == N) fail(e.source(), at, one_of + ", got \"" + std::string(v) + "\"");
            if (set & (1u << k)) fail(e.source(), at, "\"" + std::string(v) + "\" is listed twice");
            set |= 1u << k;
        }
        return set;
    }

    template <class Enum, std::size_t N>
    Enum enumeration(const toml::table& t, std::string_view key, std::string_view shown,
                     const toml::source_region& tsrc, const std::array<std::string_view, N>& names) {
        auto [s, src] = string(t, key, shown, tsrc);
        auto e = model::parse_enum<Enum>(names, s);
        // the value must also be one of the parameter's own choices (a subset of `names` for some)
        const std::string_view choices = find_parameter(key)->choices;
        bool allowed = false;
        for (std::size_t b = 0; b <= choices.size();) {
            const std::size_t bar = std::min(choices.find('|', b), choices.size());
            allowed |= choices.substr(b, bar - b) == s;
            b = bar + 1;
        }
        if (!e || !allowed) fail(src, shown, "expected " + find_parameter(key)->expected() + ", got \"" + s + "\"");
        return *e;
    }

    /// True when `leaf` is written in `table` or its archetype (not a registry default).
    bool given(const toml::table& table, std::string_view leaf) const {
        return table.get(leaf) || (fallback_ && fallback_->get(leaf));
    }

    /// Where the value of `leaf` in `table` (or its archetype) is written; the table's start if nowhere.
    toml::source_region source_of(const toml::table& table, std::string_view leaf) const {
        if (const toml::node* n = table.get(leaf)) return n->source();
        if (fallback_)
            if (const toml::node* n = fallback_->get(leaf)) return n->source();
        return table.source();
    }

    /// While reading a [[population]] group: its archetype, whose keys are its defaults.
    void set_fallback(const toml::table* archetype) noexcept { fallback_ = archetype; }

private:
    std::string file_;
    const toml::table* fallback_ = nullptr;
    std::deque<toml::table> defaults_;  // a deque: earlier nodes stay valid as it grows
};

const toml::table& subtable(const toml::table& root, std::string_view name, toml::table& empty) {
    const toml::node* n = root.get(name);
    return n && n->is_table() ? *n->as_table() : empty;
}

// ---- the world tables ----
model::World load_world(Reader& r, const std::string& countries_path, const std::string& pairs_path,
                        const std::vector<std::pair<std::string, toml::source_region>>& use) {
    const CsvTable ct = CsvTable::read(countries_path);
    const std::size_t c_iso = ct.column("iso3"), c_name = ct.column("name"),
                      c_pop = ct.column("population"), c_gdp = ct.column("gdp_usd"),
                      c_wage = ct.column("wage_per_worker_usd"), c_inf = ct.column("informality"),
                      c_gov = ct.column("governance"), c_gshare = ct.column("government_share"),
                      c_sse = ct.column("sse_maturity"), c_coop = ct.column("coop_recognition");
    std::array<std::size_t, model::sector_count> c_demand{};
    for (std::size_t k = 0; k < model::sector_count; ++k)
        c_demand[k] = ct.column("demand_" + std::string(model::sector_names[k]));
    std::map<std::string, std::size_t> row_of;
    for (std::size_t row = 0; row < ct.rows(); ++row) {
        const std::string& iso = ct.text(row, c_iso);
        if (iso.size() != 3 || !std::all_of(iso.begin(), iso.end(), [](char ch) { return ch >= 'A' && ch <= 'Z'; }))
            throw ScenarioError(ct.where(row) + ": column 'iso3': expected a three-letter upper-case ISO3 code, got '" + iso + "'");
        if (!row_of.emplace(iso, row).second)
            throw ScenarioError(ct.where(row) + ": column 'iso3': country '" + iso + "' appears twice");
    }
    model::World w;
    for (const auto& [iso, src] : use) {
        auto it = row_of.find(iso);
        if (it == row_of.end())
            r.fail(src, "world.use", "unknown country code '" + iso + "' (not in " + countries_path + ")");
        if (w.index_of(iso) >= 0) r.fail(src, "world.use", "country '" + iso + "' is listed twice");
        const std::size_t row = it->second;
        model::Country c;
        c.iso3 = iso;
        c.name = ct.text(row, c_name);
        c.population = ct.number(row, c_pop, 1, 1e10);
        c.gdp_usd = ct.number(row, c_gdp, 1, 1e15);
        c.wage_usd = ct.number(row, c_wage, 1, 1e7);
        c.informality = ct.number_or(row, c_inf, 0, 1, -1);
        c.governance = ct.number(row, c_gov, -5, 5);
        c.government_share = ct.number(row, c_gshare, 0, 1);
        c.sse_maturity = ct.number(row, c_sse, 0, 1);
        c.coop_recognition = ct.number(row, c_coop, 0, 1);
        double total = 0;
        for (std::size_t k = 0; k < model::sector_count; ++k) total += c.demand[k] = ct.number(row, c_demand[k], 0, 1);
        if (std::abs(total - 1.0) > 1e-6)
            throw ScenarioError(ct.where(row) + ": columns 'demand_*': expected sector shares summing to 1, got " +
                                format_number(total));
        w.countries.push_back(std::move(c));
    }
    const std::size_t n = w.size();
    w.distance_km = Eigen::MatrixXd::Constant(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n), -1);
    w.psychic_distance = w.distance_km;
    w.common_language = w.distance_km;
    w.legal_compat = w.distance_km;
    const CsvTable pt = CsvTable::read(pairs_path);
    const std::size_t p_o = pt.column("iso_o"), p_d = pt.column("iso_d"), p_dist = pt.column("distw_km"),
                      p_psy = pt.column("psychic_distance"), p_lang = pt.column("comlang_off"),
                      p_legal = pt.column("legal_compat");
    for (std::size_t row = 0; row < pt.rows(); ++row) {
        const int o = w.index_of(pt.text(row, p_o)), d = w.index_of(pt.text(row, p_d));
        if (o < 0 || d < 0) continue;  // a pair of countries not simulated
        if (w.distance_km(o, d) >= 0)
            throw ScenarioError(pt.where(row) + ": pair " + pt.text(row, p_o) + "-" + pt.text(row, p_d) + " appears twice");
        w.distance_km(o, d) = pt.number(row, p_dist, 0, 1e5);
        w.psychic_distance(o, d) = pt.number(row, p_psy, 0, 1);
        w.common_language(o, d) = pt.number(row, p_lang, 0, 1);
        w.legal_compat(o, d) = pt.number(row, p_legal, 0, 1);
    }
    for (std::size_t o = 0; o < n; ++o)
        for (std::size_t d = 0; d < n; ++d)
            if (w.distance_km(static_cast<Eigen::Index>(o), static_cast<Eigen::Index>(d)) < 0)
                throw ScenarioError(pairs_path + ": missing pair " + w.countries[o].iso3 + "-" +
                                    w.countries[d].iso3 + " of countries in world.use");
    return w;
}

}  // namespace

namespace {

Scenario load_text(std::string_view text, const std::string& path, const model::World* world);

}  // namespace

Scenario load_scenario(const std::string& path) {
    return one_line_errors([&] { return load_text(read_text_file(path), path, nullptr); });
}

Scenario load_scenario_text(std::string_view text, const std::string& path, const model::World* world) {
    return one_line_errors([&] { return load_text(text, path, world); });
}

namespace {

Scenario load_text(std::string_view text, const std::string& path, const model::World* shared_world) {
    toml::table root = parse_toml(text, path, "scenario");
    Reader r(path);
    r.check_keys(root, "");

    toml::table empty;
    const toml::source_region top{{1, 1}, {1, 1}, nullptr};
    auto table_src = [&](std::string_view name) {
        const toml::node* n = root.get(name);
        return n ? n->source() : top;
    };
    Scenario s;
    s.source_path = path;

    const toml::table& run = subtable(root, "run", empty);
    const auto [name, name_src] = r.string(run, "run.name", "run.name", table_src("run"));
    s.name = name;
    if (s.name.empty() || !std::all_of(s.name.begin(), s.name.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
        }))
        r.fail(name_src, "run.name",
               "expected a non-empty name of letters, digits, '_', '-' or '.', got \"" + s.name + "\"");
    s.steps = r.integer(run, "run.steps", "run.steps", table_src("run"));
    s.steps_per_year = r.integer(run, "run.steps_per_year", "run.steps_per_year", table_src("run"));
    s.seed = static_cast<std::uint64_t>(r.integer(run, "run.seed", "run.seed", table_src("run")));
    s.replicate = static_cast<std::uint64_t>(r.integer(run, "run.replicate", "run.replicate", table_src("run")));

    // Archetypes: named sets of [[population]] keys (scenarios/archetypes.toml).
    std::map<std::string, const toml::table*> archetypes;
    std::string archetypes_path;
    toml::table atable;
    if (const auto [given, src] = r.string(run, "run.archetypes", "run.archetypes", table_src("run")); !given.empty()) {
        archetypes_path = (fs::path(path).parent_path() / given).lexically_normal().string();
        const std::string atext = read_text_file(archetypes_path, "archetype file");
        try {
            atable = toml::parse(atext, std::string_view(archetypes_path));
        } catch (const toml::parse_error& e) {
            throw ScenarioError(where(archetypes_path, e.source()) + ": TOML syntax error: " + std::string(e.description()));
        }
        for (auto&& [archetype_name, node] : atable) {
            const std::string shown = "archetype " + std::string(archetype_name.str());
            if (!node.is_table()) r.fail(node.source(), shown, "expected a table of [[population]] keys, got " + describe_node(node));
            const toml::table& t = *node.as_table();
            r.check_keys(t, "population[]");
            for (const char* fixed : {"country", "count", "archetype"})
                if (const toml::node* n = t.get(fixed))
                    r.fail(n->source(), shown + "." + fixed, "expected in the [[population]] table, not in an archetype");
            archetypes.emplace(std::string(archetype_name.str()), &t);
        }
    }

    const toml::table& out = subtable(root, "output", empty);
    s.output_file = r.string(out, "output.file", "output.file", table_src("output")).first;
    if (s.output_file.empty()) s.output_file = "results/" + s.name + ".h5";
    s.snapshot_interval = r.integer(out, "output.snapshot_interval", "output.snapshot_interval", table_src("output"));

    // world
    const toml::table& world = subtable(root, "world", empty);
    const fs::path base = fs::path(path).parent_path();
    auto resolve = [&](const std::string& p) { return (base / p).lexically_normal().string(); };
    auto table_file = [&](const char* key) {
        const auto [given, src] = r.string(world, key, key, table_src("world"));
        const std::string resolved = resolve(given);
        std::error_code fec;
        if (fs::is_directory(resolved, fec))
            r.fail(src, key, "cannot open " + resolved + ": is a directory, expected a CSV file");
        std::ifstream probe(resolved);
        if (!probe) r.fail(src, key, "cannot open " + resolved + ": " + std::strerror(errno));
        return resolved;
    };
    const std::string countries_path = table_file("world.countries");
    const std::string pairs_path = table_file("world.pairs");
    std::vector<std::pair<std::string, toml::source_region>> use;
    {
        const toml::node* n = world.get("use");
        if (!n) r.fail(table_src("world"), "world.use", "missing required key (expected " + find_parameter("world.use")->expected() + ")");
        const toml::array* arr = n->as_array();
        if (!arr) r.fail(n->source(), "world.use", "expected " + find_parameter("world.use")->expected() + ", got " + describe_node(*n));
        if (arr->size() < 2) r.fail(n->source(), "world.use", "expected " + find_parameter("world.use")->expected() + ", got " + std::to_string(arr->size()));
        for (std::size_t i = 0; i < arr->size(); ++i) {
            const toml::node& e = *arr->get(i);
            if (!e.is_string()) r.fail(e.source(), "world.use[" + std::to_string(i) + "]", "expected an ISO3 country code, got " + describe_node(e));
            use.emplace_back(std::string(*e.value<std::string_view>()), e.source());
        }
    }
    if (shared_world) {
        const bool same = shared_world->countries.size() == use.size() &&
                          std::equal(use.begin(), use.end(), shared_world->countries.begin(),
                                     [](const auto& u, const model::Country& c) { return u.first == c.iso3; });
        if (!same) throw ScenarioError(path + ": world.use differs from the countries of the world given to the loader");
        s.world = *shared_world;
    } else {
        s.world = load_world(r, countries_path, pairs_path, use);
    }

    // economy
    const toml::table& eco = subtable(root, "economy", empty);
    const auto esrc = table_src("economy");
    Economy& e = s.economy;
    auto real = [&](std::string_view key, double& field) { field = r.real(eco, key, key, esrc); };
    real("economy.elasticity", e.elasticity);
    real("economy.simulated_share", e.simulated_share);
    real("economy.demand_growth", e.demand_growth);
    real("economy.trade_cost_per_1000km", e.trade_cost_per_1000km);
    real("economy.trade_cost_distance_elasticity", e.trade_cost_distance_elasticity);
    real("economy.export_fixed_cost", e.export_fixed_cost);
    real("economy.psychic_distance_cost", e.psychic_distance_cost);
    real("economy.partner_probability", e.partner_probability);
    real("economy.export_exit_probability", e.export_exit_probability);
    real("economy.initial_visibility", e.initial_visibility);
    real("economy.learning_time", e.learning_time);
    real("economy.hiring_rate", e.hiring_rate);
    real("economy.firing_rate", e.firing_rate);
    real("economy.expectation_weight", e.expectation_weight);
    real("economy.mission_price_discount", e.mission_price_discount);
    real("economy.mission_job_protection", e.mission_job_protection);
    real("economy.cash_buffer_years", e.cash_buffer_years);
    real("economy.excess_cash_release", e.excess_cash_release);
    real("economy.stake_cash_multiple", e.stake_cash_multiple);
    real("economy.fdi_fixed_cost", e.fdi_fixed_cost);
    real("economy.technology_portability", e.technology_portability);
    real("economy.mission_job_value", e.mission_job_value);
    real("economy.technology_effect", e.technology_effect);
    real("economy.brand_effect", e.brand_effect);
    real("economy.management_effect", e.management_effect);
    real("economy.absorptive_base", e.absorptive_base);
    real("economy.transfer_rate", e.transfer_rate);
    real("economy.adoption_rate", e.adoption_rate);
    real("economy.mission_impact_value", e.mission_impact_value);
    real("economy.support_cost", e.support_cost);
    real("economy.prospect_psychic_aversion", e.prospect_psychic_aversion);
    real("economy.prospect_market_weight", e.prospect_market_weight);
    real("economy.opportunity_rate", e.opportunity_rate);
    real("economy.opportunity_ties", e.opportunity_ties);
    real("economy.ties_decay", e.ties_decay);
    real("economy.ties_cost_reduction", e.ties_cost_reduction);
    real("economy.participation_recovery", e.participation_recovery);
    real("economy.dispersion_pressure", e.dispersion_pressure);
    real("economy.tender_share", e.tender_share);
    real("economy.tenders_per_year", e.tenders_per_year);
    real("economy.c2g_replication_rate", e.c2g_replication_rate);
    real("economy.c2g_programme_cost", e.c2g_programme_cost);
    real("economy.experiential_learning", e.experiential_learning);
    real("economy.knowledge_depreciation", e.knowledge_depreciation);
    real("economy.mission_drift", e.mission_drift);

    // populations
    const toml::node* pn = root.get("population");
    if (!pn) r.fail(top, "population", "missing required [[population]] tables (expected at least one group of organisations)");
    const toml::array& pops = *pn->as_array();
    if (pops.empty()) r.fail(pn->source(), "population", "expected at least one [[population]] table, got none");
    std::int64_t total_orgs = 0;
    double total_employees = 0;
    std::vector<const toml::table*> group_archetype(pops.size(), nullptr);
    for (std::size_t i = 0; i < pops.size(); ++i) {
        const toml::table& pt = *pops.get(i)->as_table();
        const auto psrc = pt.source();
        // An archetype's keys are the group's defaults; its own keys win.
        r.set_fallback(nullptr);
        if (const toml::node* a = pt.get("archetype")) {
            if (!a->is_string()) r.fail(a->source(), "population[" + std::to_string(i) + "].archetype", "expected a string, got " + describe_node(*a));
            const std::string wanted(*a->value<std::string_view>());
            if (!wanted.empty()) {
                auto it = archetypes.find(wanted);
                if (it == archetypes.end()) {
                    std::string known;
                    for (const auto& [k, v] : archetypes) known += (known.empty() ? "" : ", ") + k;
                    r.fail(a->source(), "population[" + std::to_string(i) + "].archetype",
                           "expected an archetype of run.archetypes" +
                               (archetypes_path.empty() ? std::string(" (none is set)") : " (" + archetypes_path + ": " + known + ")") +
                               ", got \"" + wanted + "\"");
                }
                group_archetype[i] = it->second;
                r.set_fallback(it->second);
            }
        }
        const std::string tag = "population[" + std::to_string(i) + "].";
        auto key = [&](std::string_view leaf) { return "population[]." + std::string(leaf); };
        auto shown = [&](std::string_view leaf) { return tag + std::string(leaf); };
        Population p;
        auto [iso, isrc] = r.string(pt, key("country"), shown("country"), psrc);
        p.country = s.world.index_of(iso);
        if (p.country < 0) r.fail(isrc, shown("country"), "expected a country listed in world.use, got \"" + iso + "\"");
        p.kind = r.enumeration<model::OrgKind>(pt, key("kind"), shown("kind"), psrc, model::org_kind_names);
        p.sector = r.enumeration<model::Sector>(pt, key("sector"), shown("sector"), psrc, model::sector_names);
        p.count = r.integer(pt, key("count"), shown("count"), psrc);
        p.employees = r.real(pt, key("employees"), shown("employees"), psrc);
        p.productivity_shape = r.real(pt, key("productivity_shape"), shown("productivity_shape"), psrc);
        if (p.productivity_shape <= e.elasticity - 1.0) {
            r.fail(r.source_of(pt, "productivity_shape"), shown("productivity_shape"),
                   "expected a number greater than economy.elasticity - 1 = " + format_number(e.elasticity - 1.0) +
                       " (for a finite mean firm size), got " + format_number(p.productivity_shape));
        }
        p.mission = r.real(pt, key("mission"), shown("mission"), psrc);
        if (p.kind == model::OrgKind::for_profit && p.mission != 0)
            r.fail(r.source_of(pt, "mission"), shown("mission"),
                   "expected 0 for kind \"for_profit\" (a for-profit firm has no social mission), got " + format_number(p.mission));
        p.payout_rate = r.real(pt, key("payout_rate"), shown("payout_rate"), psrc);
        p.initial_cash_years = r.real(pt, key("initial_cash_years"), shown("initial_cash_years"), psrc);
        p.birth_rate = r.real(pt, key("birth_rate"), shown("birth_rate"), psrc);
        p.technology = r.real(pt, key("technology"), shown("technology"), psrc);
        p.management = r.real(pt, key("management"), shown("management"), psrc);
        p.brand = r.real(pt, key("brand"), shown("brand"), psrc);
        p.outward_drive = r.real(pt, key("outward_drive"), shown("outward_drive"), psrc);
        p.modes = r.enum_set(pt, key("modes"), shown("modes"), psrc, model::mode_names);
        p.value_alignment = r.real(pt, key("value_alignment"), shown("value_alignment"), psrc);
        p.licence_fee = r.real(pt, key("licence_fee"), shown("licence_fee"), psrc);
        p.licensee_kind = r.enumeration<model::OrgKind>(pt, key("licensee_kind"), shown("licensee_kind"), psrc, model::org_kind_names);
        p.federation_fee = r.real(pt, key("federation_fee"), shown("federation_fee"), psrc);
        p.node_kind = r.enumeration<model::OrgKind>(pt, key("node_kind"), shown("node_kind"), psrc, model::org_kind_names);
        p.join_federation = r.boolean(pt, key("join_federation"), shown("join_federation"), psrc);
        p.participation = r.real(pt, key("participation"), shown("participation"), psrc);
        if (p.kind == model::OrgKind::for_profit) {
            // A firm has no member democracy: participation defaults to 0 for it, and must be 0.
            if (!r.given(pt, "participation")) p.participation = 0.0;
            else if (p.participation != 0.0)
                r.fail(r.source_of(pt, "participation"), shown("participation"),
                       "expected 0 for kind \"for_profit\" (no member democracy), got " + format_number(p.participation));
        }
        p.decentralisation = r.real(pt, key("decentralisation"), shown("decentralisation"), psrc);
        if (p.modes & (1u << static_cast<unsigned>(model::Mode::node)) && p.kind != model::OrgKind::federation)
            r.fail(r.source_of(pt, "modes"), shown("modes"),
                   "expected \"node\" only for kind \"federation\" (nodes are members of a federation), got kind \"" +
                       std::string(model::org_kind_names[static_cast<std::size_t>(p.kind)]) + "\"");
        p.transfer_kinds = r.enum_set(pt, key("transfer_kinds"), shown("transfer_kinds"), psrc, model::org_kind_names);
        p.input_share = r.real(pt, key("input_share"), shown("input_share"), psrc);
        p.supplier_kind = r.enumeration<model::OrgKind>(pt, key("supplier_kind"), shown("supplier_kind"), psrc, model::org_kind_names);
        p.fair_price_premium = r.real(pt, key("fair_price_premium"), shown("fair_price_premium"), psrc);
        p.prefinance = r.real(pt, key("prefinance"), shown("prefinance"), psrc);
        p.prefinance_interest = r.real(pt, key("prefinance_interest"), shown("prefinance_interest"), psrc);
        p.partner_equity_cap = r.real(pt, key("partner_equity_cap"), shown("partner_equity_cap"), psrc);
        p.stake_rate = r.real(pt, key("stake_rate"), shown("stake_rate"), psrc);
        p.ownership_share = r.real(pt, key("ownership_share"), shown("ownership_share"), psrc);
        p.bids_tenders = r.boolean(pt, key("bids_tenders"), shown("bids_tenders"), psrc);
        p.ally_kinds = r.enum_set(pt, key("ally_kinds"), shown("ally_kinds"), psrc, model::org_kind_names);
        p.alliance_share = r.real(pt, key("alliance_share"), shown("alliance_share"), psrc);
        p.fdi_propensity = r.real(pt, key("fdi_propensity"), shown("fdi_propensity"), psrc);
        p.fdi_min_experience = r.real(pt, key("fdi_min_experience"), shown("fdi_min_experience"), psrc);
        p.subsidiary_kind = r.enumeration<model::OrgKind>(pt, key("subsidiary_kind"), shown("subsidiary_kind"), psrc, model::org_kind_names);
        p.c2g_rate = r.real(pt, key("c2g_rate"), shown("c2g_rate"), psrc);
        p.c2g_experience = r.real(pt, key("c2g_experience"), shown("c2g_experience"), psrc);
        total_orgs += p.count;
        total_employees += static_cast<double>(p.count) * p.employees;
        s.populations.push_back(p);
    }
    // Money is int64 cents: keep the whole economy far from overflow (9.2e18).
    if (total_orgs > 100'000'000)
        r.fail(pn->source(), "population", "expected at most 100000000 organisations in all, got " + std::to_string(total_orgs));
    if (total_employees > 1e10)
        r.fail(pn->source(), "population", "expected at most 1e10 employees in all, got " + format_number(total_employees));

    // ---- the policy regime: [[policy]] tables, one instrument each (model/instruments.hpp) ----
    s.start_year = r.integer(run, "run.start_year", "run.start_year", table_src("run"));
    if (const toml::node* poln = root.get("policy")) {
        const toml::array& pols = *poln->as_array();
        for (std::size_t i = 0; i < pols.size(); ++i) {
            const toml::table& pt = *pols.get(i)->as_table();
            const auto psrc = pt.source();
            const std::string tag = "policy[" + std::to_string(i) + "].";
            auto key = [&](std::string_view leaf) { return "policy[]." + std::string(leaf); };
            auto shown = [&](std::string_view leaf) { return tag + std::string(leaf); };
            Policy p;
            p.type = r.enumeration<model::InstrumentType>(pt, key("type"), shown("type"), psrc, model::instrument_type_names);
            const model::InstrumentInfo& info = model::instrument_info[static_cast<std::size_t>(p.type)];
            auto [given_name, nsrc] = r.string(pt, key("name"), shown("name"), psrc);
            p.name = given_name.empty() ? std::string(info.name) + "_" + std::to_string(i) : given_name;
            if (!std::all_of(p.name.begin(), p.name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }) || p.name.size() > 64)
                r.fail(nsrc, shown("name"), "expected a name of 1 to 64 letters, digits, '_', '-' or '.', got \"" + p.name + "\"");
            for (const Policy& other : s.policies)
                if (other.name == p.name) r.fail(nsrc, shown("name"), "the name \"" + p.name + "\" is already another policy's");
            auto [code, csrc] = r.string(pt, key("country"), shown("country"), psrc);
            p.country = s.world.index_of(code);
            if (p.country < 0) r.fail(csrc, shown("country"), "expected a country listed in world.use, got \"" + code + "\"");
            // direction and flow: "default" is the type's own; others must be ones the type acts on
            auto [dir, dsrc] = r.string(pt, key("direction"), shown("direction"), psrc);
            if (dir == "default") p.direction = info.default_direction;
            else if (auto d = model::parse_enum<model::Direction>(model::direction_names, dir); d && (info.directions & model::bit_of(*d))) p.direction = *d;
            else
                r.fail(dsrc, shown("direction"), "expected default or a direction " + std::string(info.name) + " acts in (" +
                                                     names_in(info.directions, model::direction_names) + "), got \"" + dir + "\"");
            auto [flow, fsrc] = r.string(pt, key("flow"), shown("flow"), psrc);
            if (flow == "default") p.flow = info.default_flow;
            else if (auto f = model::parse_enum<model::PolicyFlow>(model::policy_flow_names, flow); f && (info.flows & model::bit_of(*f))) p.flow = *f;
            else
                r.fail(fsrc, shown("flow"), "expected default or a flow " + std::string(info.name) + " acts on (" +
                                                names_in(info.flows, model::policy_flow_names) + "), got \"" + flow + "\"");
            p.targets = r.enum_set(pt, key("targets"), shown("targets"), psrc, model::org_kind_names);
            {
                const toml::node* n = r.node_for(pt, key("partners"), shown("partners"), psrc);
                const toml::array* arr = n->as_array();
                if (!arr) r.fail(n->source(), shown("partners"), "expected an array of ISO3 country codes, got " + describe_node(*n));
                for (std::size_t k = 0; k < arr->size(); ++k) {
                    const toml::node& el = *arr->get(k);
                    const std::string at = shown("partners") + "[" + std::to_string(k) + "]";
                    const int c = el.is_string() ? s.world.index_of(std::string(*el.value<std::string_view>())) : -1;
                    if (c < 0) r.fail(el.source(), at, "expected a country listed in world.use, got " + describe_node(el));
                    if (c == p.country) r.fail(el.source(), at, "the implementing country cannot be its own partner");
                    if (std::find(p.partners.begin(), p.partners.end(), c) != p.partners.end()) r.fail(el.source(), at, "listed twice");
                    p.partners.push_back(c);
                }
            }
            p.start = r.real(pt, key("start"), shown("start"), psrc);
            p.end = r.real(pt, key("end"), shown("end"), psrc);
            if (!(p.end > p.start))
                r.fail(r.source_of(pt, "end"), shown("end"), "expected a year after " + shown("start") + " = " + format_number(p.start) + ", got " + format_number(p.end));
            p.budget = r.real(pt, key("budget"), shown("budget"), psrc);
            if (!info.spends && p.budget != 0)
                r.fail(r.source_of(pt, "budget"), shown("budget"), "a " + std::string(info.name) + " spends nothing: expected 0, got " + format_number(p.budget));
            p.intensity = r.real(pt, key("intensity"), shown("intensity"), psrc);
            if (info.intensity.find("[0, 1]") != std::string_view::npos && p.intensity > 1)
                r.fail(r.source_of(pt, "intensity"), shown("intensity"), "expected a share in [0, 1] (" + std::string(info.name) + ": " + std::string(info.intensity) + "), got " + format_number(p.intensity));
            if (info.positive_intensity && !(p.intensity > 0))
                r.fail(r.source_of(pt, "intensity"), shown("intensity"), "expected a number above 0 (" + std::string(info.name) + ": " + std::string(info.intensity) + "), got " + format_number(p.intensity));
            p.unit_cost = r.real(pt, key("unit_cost"), shown("unit_cost"), psrc);
            p.level = r.enumeration<model::PolicyLevel>(pt, key("level"), shown("level"), psrc, model::policy_level_names);
            // who pays: governments by ISO3, other names are outside funders; shares sum to 1
            {
                const toml::node* n = r.node_for(pt, key("funders"), shown("funders"), psrc);
                const toml::array* arr = n->as_array();
                if (!arr) r.fail(n->source(), shown("funders"), "expected an array of names, got " + describe_node(*n));
                for (std::size_t k = 0; k < arr->size(); ++k) {
                    const toml::node& el = *arr->get(k);
                    const std::string at = shown("funders") + "[" + std::to_string(k) + "]";
                    const std::string v = el.is_string() ? std::string(*el.value<std::string_view>()) : std::string();
                    if (v.empty() || v.size() > 64 || !std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.'; }))
                        r.fail(el.source(), at, "expected a name of 1 to 64 letters, digits, '_', '-' or '.', got " + describe_node(el));
                    for (const Funder& f : p.funders)
                        if (f.name == v) r.fail(el.source(), at, "\"" + v + "\" is listed twice");
                    // A country of world.use is its government; any other name an outside funder.
                    p.funders.push_back({v, s.world.index_of(v), 0});
                }
                if (p.funders.empty()) p.funders.push_back({s.world.countries[static_cast<std::size_t>(p.country)].iso3, p.country, 0});
                const toml::node* sn = r.node_for(pt, key("funder_shares"), shown("funder_shares"), psrc);
                const toml::array* sa = sn->as_array();
                if (!sa) r.fail(sn->source(), shown("funder_shares"), "expected an array of numbers, got " + describe_node(*sn));
                if (sa->empty()) {
                    for (Funder& f : p.funders) f.share = 1.0 / static_cast<double>(p.funders.size());
                } else {
                    if (sa->size() != p.funders.size())
                        r.fail(sn->source(), shown("funder_shares"), "expected one share per funder (" + std::to_string(p.funders.size()) + "), got " + std::to_string(sa->size()));
                    double total = 0;
                    for (std::size_t k = 0; k < sa->size(); ++k) {
                        const toml::node& el = *sa->get(k);
                        const std::optional<double> v = el.is_number() ? el.value<double>() : std::nullopt;
                        if (!v || !(*v > 0) || *v > 1)
                            r.fail(el.source(), shown("funder_shares") + "[" + std::to_string(k) + "]", "expected a number in (0, 1], got " + describe_node(el));
                        p.funders[k].share = *v;
                        total += *v;
                    }
                    if (std::abs(total - 1.0) > 1e-9)
                        r.fail(sn->source(), shown("funder_shares"), "expected shares summing to 1, got " + format_number(total));
                }
            }
            s.policies.push_back(std::move(p));
        }
    }

    // The resolved scenario: the parsed tree with archetypes applied and every default filled in.
    toml::table resolved = root;
    r.set_fallback(nullptr);
    {
        toml::array& rp = *resolved["population"].as_array();
        for (std::size_t i = 0; i < rp.size(); ++i)
            if (group_archetype[i])
                for (auto&& [k, v] : *group_archetype[i])
                    if (!rp.get(i)->as_table()->contains(k.str())) rp.get(i)->as_table()->insert(k, v);
    }
    auto set_default = [&](toml::table& t, std::string_view leaf, std::string_view literal) {
        if (!t.contains(leaf)) {
            t.insert(leaf, *parse_default(literal).get("v"));
        }
    };
    for (const ParamSpec& spec : parameters()) {
        if (spec.required()) continue;
        const std::string_view key = spec.key;
        const std::string_view leaf = key.substr(key.rfind('.') + 1);
        if (key.starts_with("population[].")) {
            for (auto& el : *resolved["population"].as_array()) set_default(*el.as_table(), leaf, spec.default_value);
            continue;
        }
        if (key.starts_with("policy[].")) {
            if (toml::array* pa = resolved["policy"].as_array())
                for (auto& el : *pa) set_default(*el.as_table(), leaf, spec.default_value);
            continue;
        }
        toml::table* t = &resolved;
        std::string_view rest = key.substr(0, key.rfind('.'));
        while (!rest.empty()) {
            const auto dot = rest.find('.');
            const std::string part(rest.substr(0, dot));
            if (!t->contains(part)) t->insert(part, toml::table{});
            t = (*t)[part].as_table();
            rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
        }
        set_default(*t, leaf, spec.default_value);
    }
    // Values the loader derives rather than reads are written as used, and archetypes are
    // inlined, so the resolved text loads back to the same scenario on its own.
    for (std::size_t i = 0; i < s.populations.size(); ++i) {
        toml::table& pop = *resolved["population"].as_array()->get(i)->as_table();
        if (s.populations[i].kind == model::OrgKind::for_profit) pop.insert_or_assign("participation", 0.0);
        pop.erase("archetype");
    }
    for (std::size_t i = 0; i < s.policies.size(); ++i) {
        const Policy& p = s.policies[i];
        toml::table& pol = *resolved["policy"].as_array()->get(i)->as_table();
        pol.insert_or_assign("name", p.name);
        pol.insert_or_assign("direction", model::direction_names[static_cast<std::size_t>(p.direction)]);
        pol.insert_or_assign("flow", model::policy_flow_names[static_cast<std::size_t>(p.flow)]);
        toml::array funders, shares;
        for (const Funder& f : p.funders) {
            funders.push_back(f.name);
            shares.push_back(f.share);
        }
        pol.insert_or_assign("funders", funders);
        pol.insert_or_assign("funder_shares", shares);
    }
    (*resolved["run"].as_table()).insert_or_assign("archetypes", "");
    (*resolved["output"].as_table()).insert_or_assign("file", s.output_file);
    std::ostringstream text_out;
    text_out << toml::toml_formatter(resolved);
    s.resolved_toml = text_out.str();
    return s;
}

}  // namespace

}  // namespace ssesim::scenario

namespace ssesim::scenario {

void override_seed(Scenario& scenario, std::uint64_t seed) {
    if (seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        throw UsageError("--seed: expected an integer in [0, 9223372036854775807], got " + std::to_string(seed));
    scenario.seed = seed;
    toml::table t = toml::parse(std::string_view(scenario.resolved_toml));
    t["run"].as_table()->insert_or_assign("seed", static_cast<std::int64_t>(seed));
    std::ostringstream out;
    out << toml::toml_formatter(t);
    scenario.resolved_toml = out.str();
}

}  // namespace ssesim::scenario
