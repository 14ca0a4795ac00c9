#include "ssesim/sweep/experiment.hpp"

#include "ssesim/core/error.hpp"
#include "ssesim/core/format.hpp"
#include "ssesim/core/version.hpp"
#include "ssesim/kernel/executor.hpp"
#include "ssesim/kernel/rng.hpp"
#include "ssesim/kernel/shuffle.hpp"
#include "ssesim/scenario/loader.hpp"
#include "ssesim/scenario/registry.hpp"
#include "../scenario/toml_support.hpp"

#include <boost/random/sobol.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <filesystem>
#include <numeric>
#include <sstream>

namespace ssesim::sweep {
namespace {

namespace fs = std::filesystem;
using namespace scenario::detail;
using scenario::ParamSpec;
using scenario::ParamType;

/// Counter purpose of the design's own random draws (Latin hypercube); the
/// model's purposes are small numbers (model_internal.hpp), so the streams differ.
constexpr std::uint32_t purpose_design = 1000;

/// A parameter path split into its parts: "population[2].mission" ->
/// {population, 2}, {mission, none}.
struct PathPart {
    std::string name;
    std::int64_t index = -1;
};

struct ParsedPath {
    std::vector<PathPart> parts;
    std::string registry_key;  ///< "population[].mission"
    const ParamSpec* spec = nullptr;
};

/// Keys an experiment may not set: they fix the file's shape, the random
/// streams, or where things are read and written.
bool reserved(std::string_view key) {
    return key == "run.name" || key == "run.steps" || key == "run.steps_per_year" || key == "run.seed" ||
           key == "run.replicate" || key == "run.archetypes" || key == "population[].archetype" ||
           key.starts_with("output.") || key.starts_with("world.");
}

std::string suggest(std::string_view key) {
    std::string best;
    std::size_t distance = 4;
    for (const ParamSpec& p : scenario::parameters()) {
        const std::size_t d = edit_distance(key, p.key);
        if (d < distance) {
            distance = d;
            best = p.key;
        }
    }
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

ParsedPath parse_path(const std::string& path, const std::string& at, const std::string& key,
                      const toml::table& base) {
    ParsedPath out;
    auto fail = [&](const std::string& problem) -> void { throw ScenarioError(at + ": " + key + ": " + problem); };
    std::string_view rest = path;
    while (!rest.empty()) {
        const auto dot = rest.find('.');
        std::string_view part = rest.substr(0, dot);
        rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
        if (dot != std::string_view::npos && rest.empty()) part = {};
        PathPart p;
        if (const auto open = part.find('['); open != std::string_view::npos) {
            const std::string_view digits = part.substr(open + 1, part.size() - open - 2);
            if (part.back() != ']' || digits.empty() || digits.size() > 9 ||
                digits.find_first_not_of("0123456789") != std::string_view::npos)
                fail("expected a parameter path such as economy.elasticity or population[0].mission, got \"" + path + "\"");
            p.index = std::stoll(std::string(digits));
            part = part.substr(0, open);
        }
        if (part.empty()) fail("expected a parameter path such as economy.elasticity or population[0].mission, got \"" + path + "\"");
        p.name = part;
        out.registry_key += (out.registry_key.empty() ? "" : ".") + p.name + (p.index >= 0 ? "[]" : "");
        out.parts.push_back(std::move(p));
    }
    out.spec = scenario::find_parameter(out.registry_key);
    if (!out.spec && out.parts.size() > 1 && out.parts[0].index < 0 &&
        scenario::find_parameter(out.parts[0].name + "[]" + out.registry_key.substr(out.parts[0].name.size())))
        fail("an element of [[" + out.parts[0].name + "]] needs its index, e.g. " + out.parts[0].name + "[0]" +
             out.registry_key.substr(out.parts[0].name.size()));
    if (!out.spec)
        fail("expected the path of a scenario parameter (`ssesim describe` lists them), got \"" + path + "\"" +
             suggest(out.registry_key));
    if (reserved(out.registry_key))
        fail("\"" + path + "\" cannot vary within an experiment (it fixes the output's shape, the random streams or the files read)");
    // An element of an array of tables ([[population]], ...): the base scenario must have it.
    for (std::size_t i = 0; i < out.parts.size(); ++i) {
        const PathPart& p = out.parts[i];
        if (p.index < 0) continue;
        const toml::array* a = i == 0 ? base.get_as<toml::array>(p.name) : nullptr;
        const std::size_t n = a ? a->size() : 0;
        if (static_cast<std::size_t>(p.index) >= n)
            fail("the base scenario has " + std::to_string(n) + " [[" + p.name + "]] table" + (n == 1 ? "" : "s") +
                 (n ? " (" + p.name + "[0] to " + p.name + "[" + std::to_string(n - 1) + "])" : "") + ", got \"" + path + "\"");
    }
    return out;
}

/// Sets `value` at `path` in a resolved scenario table (every key exists there).
void set_at(toml::table& root, const ParsedPath& path, const toml::node& value) {
    toml::table* t = &root;
    for (std::size_t i = 0; i + 1 < path.parts.size(); ++i) {
        const PathPart& p = path.parts[i];
        toml::node* n = t->get(p.name);
        if (p.index >= 0) n = n->as_array()->get(static_cast<std::size_t>(p.index));
        t = n->as_table();
    }
    t->insert_or_assign(path.parts.back().name, value);
}

Factor::Column column_of(const ParamSpec& spec) {
    switch (spec.type) {
        case ParamType::integer: return Factor::Column::integer;
        case ParamType::real: return Factor::Column::real;
        default: return Factor::Column::text;
    }
}

std::string value_text(const Value& v) {
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return format_number(*d);
    return std::get<std::string>(v);
}

/// A TOML node's text as the runs table stores it (strings unquoted).
std::string node_text(const toml::node& n) {
    if (const auto s = n.value<std::string_view>(); s && n.is_string()) return std::string(*s);
    std::ostringstream out;
    n.visit([&](const auto& x) { out << toml::toml_formatter(x); });
    return out.str();
}

bool valid_name(const std::string& s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
    });
}

std::uint64_t fnv1a(std::uint64_t h, const void* data, std::size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i < n; ++i) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

}  // namespace

struct Experiment::Impl {
    toml::table base_table;                           // the base scenario, resolved
    std::vector<ParsedPath> factor_paths;
    std::vector<std::vector<toml::table>> factor_nodes;  // factorial levels of text factors, as {v = level}
    std::vector<std::vector<std::pair<ParsedPath, toml::table>>> arm_sets;  // per arm: path, {v = value}
};

Experiment::Experiment() : impl_(std::make_unique<Impl>()) {}
Experiment::~Experiment() = default;
Experiment::Experiment(Experiment&&) noexcept = default;
Experiment& Experiment::operator=(Experiment&&) noexcept = default;

namespace {

class Keys {
public:
    Keys(std::string file) : file_(std::move(file)) {}
    [[noreturn]] void fail(const toml::node& n, const std::string& key, const std::string& problem) const {
        throw ScenarioError(where(file_, n.source()) + ": " + key + ": " + problem);
    }
    [[noreturn]] void fail_at(const toml::source_region& src, const std::string& key, const std::string& problem) const {
        throw ScenarioError(where(file_, src) + ": " + key + ": " + problem);
    }
    void only(const toml::table& t, const std::string& prefix, std::initializer_list<std::string_view> allowed) const {
        for (auto&& [k, node] : t) {
            if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
            std::string hint, list;
            std::size_t best = 3;
            for (std::string_view a : allowed) {
                list += " " + std::string(a);
                if (const std::size_t d = edit_distance(k.str(), a); d < best) {
                    best = d;
                    hint = a;
                }
            }
            throw ScenarioError(where(file_, k.source()) + ": " + prefix + std::string(k.str()) + ": unknown key (" +
                                (hint.empty() ? "expected one of:" + list : "did you mean '" + hint + "'?") + ")");
        }
    }
    const std::string& file() const { return file_; }

private:
    std::string file_;
};

/// The experiment with every setting as used, in a form that loads back to itself
/// (the fuzz target checks it): the base scenario's path as written, text levels as
/// the TOML values they were given as.
std::string canonical(const Experiment& e, const std::string& scenario_given,
                      const std::vector<std::vector<toml::table>>& level_nodes, const std::vector<toml::table>& arm_tables) {
    toml::table ex{{"name", e.name},
                   {"scenario", scenario_given},
                   {"design", design_names[static_cast<int>(e.design)]},
                   {"replicates", e.replicates},
                   {"seed", static_cast<std::int64_t>(e.seed)},
                   {"output", e.output_file}};
    if (e.design != Design::factorial) ex.insert("samples", e.samples);
    toml::array factors;
    for (std::size_t j = 0; j < e.factors.size(); ++j) {
        const Factor& f = e.factors[j];
        toml::table t{{"path", f.path}};
        if (e.design == Design::factorial) {
            toml::array levels;
            if (f.column == Factor::Column::text)
                for (const toml::table& holder : level_nodes[j]) levels.push_back(*holder.get("v"));
            else
                for (const Value& v : f.levels) std::visit([&](const auto& x) { levels.push_back(x); }, v);
            t.insert("levels", levels);
        } else {
            t.insert("range", toml::array{f.low, f.high});
            t.insert("scale", f.log_scale ? "log" : "linear");
        }
        factors.push_back(t);
    }
    toml::array arms;
    for (const toml::table& a : arm_tables) arms.push_back(a);
    toml::table root{{"experiment", ex}, {"arm", arms}};
    if (!factors.empty()) root.insert("factor", factors);
    std::ostringstream out;
    out << toml::toml_formatter(root);
    return out.str();
}

void expand(Experiment& e) {
    const std::size_t k = e.factors.size();
    // Count before building anything: a design too large is refused without allocating it.
    double points_count = 1;
    if (e.design == Design::factorial)
        for (const Factor& f : e.factors) points_count *= static_cast<double>(f.levels.size());
    else
        points_count = static_cast<double>(e.samples) * (e.design == Design::saltelli ? static_cast<double>(k + 2) : 1.0);
    const double planned = static_cast<double>(e.arms.size()) * points_count *
                           static_cast<double>(e.design == Design::saltelli ? 1 : e.replicates);
    if (planned > static_cast<double>(max_runs))
        throw ScenarioError(e.source_path + ": the experiment expands to " + format_number(planned) + " runs; at most " +
                            std::to_string(max_runs) + " are allowed");
    // The design points: one vector of values per point.
    std::vector<std::vector<Value>> points;
    std::vector<std::string> matrix;
    std::vector<std::int64_t> sample;
    auto from_unit = [&](const Factor& f, double u) -> Value {
        const double x = f.log_scale ? f.low * std::pow(f.high / f.low, u) : f.low + u * (f.high - f.low);
        if (f.column == Factor::Column::integer)
            return static_cast<std::int64_t>(std::clamp(std::llround(x), static_cast<long long>(std::ceil(f.low)),
                                                         static_cast<long long>(std::floor(f.high))));
        return x;
    };
    switch (e.design) {
        case Design::factorial: {
            const auto count = static_cast<std::int64_t>(points_count);
            std::vector<std::size_t> at(k, 0);
            for (std::int64_t p = 0; p < count; ++p) {  // the last factor varies fastest
                std::vector<Value> v;
                for (std::size_t j = 0; j < k; ++j) v.push_back(e.factors[j].levels[at[j]]);
                points.push_back(std::move(v));
                for (std::size_t j = k; j-- > 0;) {
                    if (++at[j] < e.factors[j].levels.size()) break;
                    at[j] = 0;
                }
            }
            break;
        }
        case Design::lhs: {
            // McKay, Beckman & Conover 1979: each factor's range cut into N equal strata,
            // one point per stratum, strata matched at random between factors.
            const auto n = static_cast<std::size_t>(e.samples);
            points.assign(n, std::vector<Value>(k));
            for (std::size_t j = 0; j < k; ++j) {
                kernel::Stream rng(e.seed, 0, j, 0, purpose_design);
                std::vector<std::size_t> strata(n);
                std::iota(strata.begin(), strata.end(), std::size_t{0});
                kernel::shuffle(std::span<std::size_t>(strata), rng);
                for (std::size_t i = 0; i < n; ++i)
                    points[i][j] = from_unit(e.factors[j], (static_cast<double>(strata[i]) + rng.uniform()) / static_cast<double>(n));
            }
            break;
        }
        case Design::saltelli: {
            // Saltelli et al. 2010: A and B from the two halves of a 2k-dimensional Sobol
            // sequence (Boost's, which starts after the origin); AB_i is A with column i from B.
            boost::random::sobol sobol(2 * k);
            std::vector<double> u(2 * k);
            for (std::int64_t i = 0; i < e.samples; ++i) {
                for (double& x : u) x = static_cast<double>(sobol()) * 0x1.0p-64;
                std::vector<Value> a(k), b(k);
                for (std::size_t j = 0; j < k; ++j) {
                    a[j] = from_unit(e.factors[j], u[j]);
                    b[j] = from_unit(e.factors[j], u[k + j]);
                }
                points.push_back(a), matrix.push_back("A"), sample.push_back(i);
                points.push_back(b), matrix.push_back("B"), sample.push_back(i);
                for (std::size_t j = 0; j < k; ++j) {
                    std::vector<Value> ab = a;
                    ab[j] = b[j];
                    points.push_back(std::move(ab)), matrix.push_back("AB_" + std::to_string(j + 1)), sample.push_back(i);
                }
            }
            break;
        }
    }
    // Arms outermost, then design points, then replicates: run numbers are stable
    // for a given file, and replicate r is the random-stream key of every arm and point.
    for (std::size_t a = 0; a < e.arms.size(); ++a)
        for (std::size_t p = 0; p < points.size(); ++p) {
            const std::int64_t reps = e.design == Design::saltelli ? 1 : e.replicates;
            for (std::int64_t r = 0; r < reps; ++r) {
                RunSpec run;
                run.run = static_cast<std::int64_t>(e.runs.size());
                run.arm = a;
                run.values = points[p];
                if (e.design == Design::saltelli) {
                    run.matrix = matrix[p];
                    run.sample = sample[p];
                    run.replicate = sample[p];  // the k + 2 runs of one sample share their streams
                } else {
                    run.replicate = r;
                }
                e.runs.push_back(std::move(run));
            }
        }
}

}  // namespace

Experiment load_experiment(const std::string& path) {
    return one_line_errors([&] { return load_experiment_text(read_text_file(path, "experiment file"), path); });
}

Experiment load_experiment_text(std::string_view text, const std::string& path) {
    return one_line_errors([&] {
        const toml::table root = parse_toml(text, path, "experiment");
        Keys keys(path);
        keys.only(root, "", {"experiment", "factor", "arm"});
        Experiment e;
        e.source_path = path;
        Experiment::Impl& impl = *e.impl_;
        const toml::source_region top{{1, 1}, {1, 1}, nullptr};

        const toml::node* exn = root.get("experiment");
        if (!exn) keys.fail_at(top, "experiment", "missing required [experiment] table (name, scenario, ...)");
        if (!exn->is_table()) keys.fail(*exn, "experiment", "expected a table, got " + describe_node(*exn));
        const toml::table& ex = *exn->as_table();
        keys.only(ex, "experiment.", {"name", "scenario", "design", "replicates", "seed", "samples", "output"});
        auto string_of = [&](std::string_view key, const char* fallback) -> std::string {
            const toml::node* n = ex.get(key);
            if (!n) {
                if (fallback) return fallback;
                keys.fail_at(ex.source(), "experiment." + std::string(key), "missing required key (expected a string)");
            }
            if (!n->is_string()) keys.fail(*n, "experiment." + std::string(key), "expected a string, got " + describe_node(*n));
            return std::string(*n->value<std::string_view>());
        };
        auto integer_of = [&](std::string_view key, std::int64_t lo, std::int64_t hi, std::optional<std::int64_t> fallback) {
            const toml::node* n = ex.get(key);
            const std::string shown = "experiment." + std::string(key);
            const std::string expected = "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
            if (!n) {
                if (fallback) return *fallback;
                keys.fail_at(ex.source(), shown, "missing required key (" + expected + ")");
            }
            if (!n->is_integer()) keys.fail(*n, shown, expected + ", got " + describe_node(*n));
            const std::int64_t v = *n->value<std::int64_t>();
            if (v < lo || v > hi) keys.fail(*n, shown, expected + ", got " + std::to_string(v));
            return v;
        };
        e.name = string_of("name", nullptr);
        if (!valid_name(e.name))
            keys.fail(*ex.get("name"), "experiment.name", "expected a name of 1 to 64 letters, digits, '_', '-' or '.', got \"" + e.name + "\"");
        const std::string scenario_rel = string_of("scenario", nullptr);
        const std::string design = string_of("design", "factorial");
        if (design == "factorial") e.design = Design::factorial;
        else if (design == "lhs") e.design = Design::lhs;
        else if (design == "saltelli") e.design = Design::saltelli;
        else keys.fail(*ex.get("design"), "experiment.design", "expected one of factorial, lhs, saltelli, got \"" + design + "\"");
        e.replicates = integer_of("replicates", 1, 1'000'000, 1);
        e.seed = static_cast<std::uint64_t>(integer_of("seed", 0, std::numeric_limits<std::int64_t>::max(), std::nullopt));
        const bool sampled = e.design != Design::factorial;
        if (sampled) {
            e.samples = integer_of("samples", 2, 1'000'000, std::nullopt);
        } else if (const toml::node* n = ex.get("samples")) {
            keys.fail(*n, "experiment.samples", "only a sampled design (lhs, saltelli) takes samples; a factorial design runs every level combination");
        }
        if (e.design == Design::saltelli && e.replicates != 1)
            keys.fail(*ex.get("replicates"), "experiment.replicates",
                      "expected 1 for a Saltelli design (each sample's k + 2 runs share one replicate; more samples give more precision), got " +
                          std::to_string(e.replicates));
        e.output_file = string_of("output", "");
        if (e.output_file.empty()) e.output_file = "results/" + e.name + ".h5";

        // The base scenario: any error in it names its own file.
        const std::string base_path = (fs::path(path).parent_path() / scenario_rel).lexically_normal().string();
        e.base = scenario::load_scenario(base_path);
        impl.base_table = toml::parse(std::string_view(e.base.resolved_toml), std::string_view(base_path));

        // ---- factors ----
        if (const toml::node* fn = root.get("factor")) {
            const toml::array* fa = fn->as_array();
            if (!fa || !(fa->empty() || fa->is_array_of_tables())) keys.fail(*fn, "factor", "expected an array of tables ([[factor]]), got " + describe_node(*fn));
            for (std::size_t i = 0; i < fa->size(); ++i) {
                const toml::table& ft = *fa->get(i)->as_table();
                const std::string tag = "factor[" + std::to_string(i) + "].";
                keys.only(ft, tag, {"path", "levels", "range", "scale"});
                Factor f;
                f.where = where(path, ft.source());
                const toml::node* pn = ft.get("path");
                if (!pn) keys.fail_at(ft.source(), tag + "path", "missing required key (expected a parameter path such as economy.elasticity)");
                if (!pn->is_string()) keys.fail(*pn, tag + "path", "expected a string, got " + describe_node(*pn));
                f.path = *pn->value<std::string>();
                ParsedPath pp = parse_path(f.path, where(path, pn->source()), tag + "path", impl.base_table);
                for (std::size_t j = 0; j < e.factors.size(); ++j)
                    if (e.factors[j].path == f.path) keys.fail(*pn, tag + "path", "\"" + f.path + "\" is already factor[" + std::to_string(j) + "]");
                f.column = column_of(*pp.spec);
                const toml::node* levels = ft.get("levels");
                const toml::node* range = ft.get("range");
                std::vector<toml::table> nodes;
                if (!sampled) {
                    if (range) keys.fail(*range, tag + "range", "a factorial design takes levels; ranges belong to lhs and saltelli designs");
                    if (!levels) keys.fail_at(ft.source(), tag + "levels", "missing required key (expected an array of the values to run)");
                    const toml::array* la = levels->as_array();
                    if (!la || la->empty() || la->size() > 10000)
                        keys.fail(*levels, tag + "levels", "expected an array of 1 to 10000 values, got " +
                                                               (!la ? describe_node(*levels) : la->empty() ? "an empty array" : std::to_string(la->size()) + " values"));
                    for (std::size_t j = 0; j < la->size(); ++j) {
                        const toml::node& lv = *la->get(j);
                        const std::string shown = tag + "levels[" + std::to_string(j) + "]";
                        const std::string expected = "expected " + pp.spec->expected() + " (" + f.path + ")";
                        switch (f.column) {
                            case Factor::Column::integer:
                                if (!lv.is_integer() || !pp.spec->in_range(static_cast<double>(*lv.value<std::int64_t>())))
                                    keys.fail(lv, shown, expected + ", got " + describe_node(lv));
                                f.levels.emplace_back(*lv.value<std::int64_t>());
                                break;
                            case Factor::Column::real: {
                                const std::optional<double> d = lv.is_number() ? lv.value<double>() : std::nullopt;
                                if (!d || !pp.spec->in_range(*d)) keys.fail(lv, shown, expected + ", got " + describe_node(lv));
                                f.levels.emplace_back(*d);
                                break;
                            }
                            case Factor::Column::text:
                                f.levels.emplace_back(node_text(lv));
                                break;
                        }
                        toml::table holder;
                        holder.insert("v", lv);
                        nodes.push_back(std::move(holder));
                    }
                    if (const toml::node* s = ft.get("scale")) keys.fail(*s, tag + "scale", "only ranges (lhs, saltelli) have a scale");
                } else {
                    if (levels) keys.fail(*levels, tag + "levels", "a " + design + " design samples ranges: give range = [low, high]");
                    if (!range) keys.fail_at(ft.source(), tag + "range", "missing required key (expected [low, high])");
                    if (f.column == Factor::Column::text)
                        keys.fail(*range, tag + "range", "\"" + f.path + "\" is not a number (" + pp.spec->expected() + "); only numeric parameters have ranges");
                    const toml::array* ra = range->as_array();
                    const std::string expected = "expected [low, high] with low < high, both " + pp.spec->expected() + " (" + f.path + ")";
                    if (!ra || ra->size() != 2 || !ra->get(0)->is_number() || !ra->get(1)->is_number())
                        keys.fail(*range, tag + "range", expected + ", got " + describe_node(*range));
                    const auto lo = ra->get(0)->value<double>(), hi = ra->get(1)->value<double>();
                    if (!lo || !hi || !(*lo < *hi) || !pp.spec->in_range(*lo) || !pp.spec->in_range(*hi))
                        keys.fail(*range, tag + "range", expected + ", got [" + node_text(*ra->get(0)) + ", " + node_text(*ra->get(1)) + "]");
                    f.low = *lo;
                    f.high = *hi;
                    if (f.column == Factor::Column::integer && std::floor(f.high) < std::ceil(f.low))
                        keys.fail(*range, tag + "range", "holds no integer");
                    if (const toml::node* s = ft.get("scale")) {
                        const auto sv = s->value<std::string_view>();
                        if (!s->is_string() || (*sv != "linear" && *sv != "log"))
                            keys.fail(*s, tag + "scale", "expected \"linear\" or \"log\", got " + describe_node(*s));
                        f.log_scale = *sv == "log";
                        if (f.log_scale && f.low <= 0) keys.fail(*range, tag + "range", "a log scale needs low > 0, got " + format_number(f.low));
                    }
                }
                e.factors.push_back(std::move(f));
                impl.factor_paths.push_back(std::move(pp));
                impl.factor_nodes.push_back(std::move(nodes));
            }
        }
        if (e.design == Design::saltelli && e.factors.empty())
            keys.fail(*exn, "factor", "a Saltelli design needs at least one [[factor]] with a range");

        // ---- arms ----
        std::vector<toml::table> arm_tables;
        if (const toml::node* an = root.get("arm")) {
            const toml::array* aa = an->as_array();
            if (!aa || !(aa->empty() || aa->is_array_of_tables())) keys.fail(*an, "arm", "expected an array of tables ([[arm]]), got " + describe_node(*an));
            if (e.design == Design::saltelli && aa->size() > 1)
                keys.fail(*an, "arm", "a Saltelli design has one arm (run one Saltelli experiment per policy mix), got " + std::to_string(aa->size()));
            for (std::size_t i = 0; i < aa->size(); ++i) {
                const toml::table& at = *aa->get(i)->as_table();
                const std::string tag = "arm[" + std::to_string(i) + "].";
                keys.only(at, tag, {"name", "set"});
                Arm arm;
                arm.where = where(path, at.source());
                const toml::node* nn = at.get("name");
                if (!nn) keys.fail_at(at.source(), tag + "name", "missing required key (expected the arm's name)");
                arm.name = nn->is_string() ? *nn->value<std::string>() : std::string();
                if (!valid_name(arm.name))
                    keys.fail(*nn, tag + "name", "expected a name of 1 to 64 letters, digits, '_', '-' or '.', got " + describe_node(*nn));
                for (const Arm& other : e.arms)
                    if (other.name == arm.name) keys.fail(*nn, tag + "name", "arm \"" + arm.name + "\" is named twice");
                std::vector<std::pair<ParsedPath, toml::table>> sets;
                toml::table canonical_set;
                if (const toml::node* sn = at.get("set")) {
                    if (!sn->is_table()) keys.fail(*sn, tag + "set", "expected a table of parameter paths and values, got " + describe_node(*sn));
                    for (auto&& [k, v] : *sn->as_table()) {
                        const std::string p(k.str());
                        ParsedPath pp = parse_path(p, where(path, k.source()), tag + "set", impl.base_table);
                        for (const ParsedPath& fp : impl.factor_paths)
                            if (fp.registry_key == pp.registry_key && fp.parts.front().index == pp.parts.front().index)
                                keys.fail_at(k.source(), tag + "set", "\"" + p + "\" is also a factor; an arm cannot fix what the design varies");
                        toml::table holder;
                        holder.insert("v", v);
                        sets.emplace_back(std::move(pp), std::move(holder));
                        canonical_set.insert(p, v);
                    }
                }
                arm_tables.push_back(toml::table{{"name", arm.name}, {"set", canonical_set}});
                e.arms.push_back(std::move(arm));
                impl.arm_sets.push_back(std::move(sets));
            }
        }
        if (e.arms.empty()) {
            e.arms.push_back({"base", path});
            impl.arm_sets.emplace_back();
            arm_tables.push_back(toml::table{{"name", "base"}, {"set", toml::table{}}});
        }
        expand(e);
        e.resolved_toml = canonical(e, scenario_rel, impl.factor_nodes, arm_tables);
        return e;
    });
}

bool is_experiment_file(const std::string& path) {
    try {
        const std::string text = read_text_file(path, "file");
        return parse_toml(text, path, "file").contains("experiment");
    } catch (const ScenarioError&) {
        return false;  // the scenario loader reports what is wrong with it
    }
}

scenario::Scenario Experiment::scenario_for(const RunSpec& run) const {
    toml::table t = impl_->base_table;
    std::string setting = "arm '" + arms[run.arm].name + "'";
    for (const auto& [pp, holder] : impl_->arm_sets[run.arm]) set_at(t, pp, *holder.get("v"));
    for (std::size_t j = 0; j < factors.size(); ++j) {
        const Value& v = run.values[j];
        const Factor& f = factors[j];
        setting += ", " + f.path + " = " + value_text(v);
        if (f.column == Factor::Column::text) {
            const auto at = std::find(f.levels.begin(), f.levels.end(), v) - f.levels.begin();
            set_at(t, impl_->factor_paths[j], *impl_->factor_nodes[j][static_cast<std::size_t>(at)].get("v"));
        } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
            set_at(t, impl_->factor_paths[j], toml::value<std::int64_t>(*i));
        } else {
            set_at(t, impl_->factor_paths[j], toml::value<double>(std::get<double>(v)));
        }
    }
    toml::table& r = *t["run"].as_table();
    r.insert_or_assign("seed", static_cast<std::int64_t>(seed));
    r.insert_or_assign("replicate", run.replicate);
    std::ostringstream text;
    text << toml::toml_formatter(t);
    try {
        return scenario::load_scenario_text(text.str(), base.source_path, &base.world);   // the world tables read once
    } catch (const ScenarioError& err) {
        // The loader names the base file and a line of the generated text: name the run instead.
        std::string message = err.what();
        const std::string prefix = base.source_path + ":";
        if (message.starts_with(prefix)) {
            const auto colon = message.find(": ", prefix.size());
            message = message.substr(colon == std::string::npos ? prefix.size() : colon + 2);
        }
        throw ScenarioError(source_path + ": run " + std::to_string(run.run) + " (" + setting + "): " + message);
    }
}

void Experiment::check_scenarios(int threads) const {
    std::vector<std::size_t> distinct;
    for (std::size_t i = 0; i < runs.size(); ++i)
        if (design == Design::saltelli || runs[i].replicate == 0) distinct.push_back(i);
    std::vector<std::exception_ptr> refused(distinct.size());
    kernel::Executor executor(threads);
    executor.for_range(distinct.size(), 16, [&](std::size_t b, std::size_t e) {
        for (std::size_t k = b; k < e; ++k) {
            try {
                (void)scenario_for(runs[distinct[k]]);
            } catch (...) {
                refused[k] = std::current_exception();
            }
        }
    });
    for (const std::exception_ptr& x : refused)
        if (x) std::rethrow_exception(x);
}

std::string Experiment::digest() const {
    std::uint64_t h = 14695981039346656037ULL;
    auto add = [&](const std::string& s) { h = fnv1a(h, s.data(), s.size() + 1); };
    add(resolved_toml);
    add(base.resolved_toml);
    add(version());
    add(git_commit());
    for (const model::Country& c : base.world.countries) {
        add(c.iso3);
        const double v[] = {c.population, c.gdp_usd, c.wage_usd, c.informality, c.governance, c.government_share,
                            c.sse_maturity, c.coop_recognition};
        h = fnv1a(h, v, sizeof v);
        h = fnv1a(h, c.demand.data(), sizeof(double) * c.demand.size());
    }
    for (const Eigen::MatrixXd* m : {&base.world.distance_km, &base.world.psychic_distance, &base.world.common_language,
                                     &base.world.legal_compat})
        h = fnv1a(h, m->data(), sizeof(double) * static_cast<std::size_t>(m->size()));
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
    return hex;
}

}  // namespace ssesim::sweep
