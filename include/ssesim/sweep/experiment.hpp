#pragma once
// An experiment file (scenarios/experiments/*.toml, DESIGN.md decision 6): a base
// scenario, factors with levels (full factorial) or ranges (Latin hypercube,
// Saltelli), named arms (sets of parameter values: policy mixes), replicates and
// one master seed. Loading it expands the design into its runs; every run's
// scenario is the base scenario with the run's arm and factor values set.
//
// Common random numbers: every run keeps the master seed, and its replicate
// number is the second half of the random-stream key (kernel/rng.hpp), so
// replicate r of every arm and every design point draws the same numbers.
#include "ssesim/scenario/scenario.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace ssesim::sweep {

enum class Design { factorial, lhs, saltelli };
inline constexpr const char* design_names[] = {"factorial", "lhs", "saltelli"};

/// A value a factor takes in one run: what the runs table stores.
using Value = std::variant<std::int64_t, double, std::string>;

struct Factor {
    std::string path;        ///< "economy.elasticity", "population[2].mission"
    std::string where;       ///< file:line:col of its [[factor]] table
    enum class Column { integer, real, text } column = Column::real;
    std::vector<Value> levels;  ///< factorial
    double low = 0, high = 0;   ///< lhs, saltelli
    bool log_scale = false;
};

struct Arm {
    std::string name;
    std::string where;
};

struct RunSpec {
    std::int64_t run = 0;
    std::size_t arm = 0;
    std::int64_t replicate = 0;
    std::vector<Value> values;  ///< one per factor, in factor order
    std::string matrix;         ///< Saltelli: "A", "B" or "AB_i" (1-based i)
    std::int64_t sample = -1;   ///< Saltelli: the base sample's row
};

class Experiment {
public:
    Experiment();
    ~Experiment();
    Experiment(Experiment&&) noexcept;
    Experiment& operator=(Experiment&&) noexcept;

    std::string source_path;
    std::string name;
    Design design = Design::factorial;
    std::int64_t replicates = 1;
    std::uint64_t seed = 0;
    std::int64_t samples = 0;     ///< lhs and saltelli: N
    std::string output_file;      ///< as resolved against the working directory
    std::vector<Factor> factors;
    std::vector<Arm> arms;        ///< at least one ("base" when the file names none)
    std::vector<RunSpec> runs;
    scenario::Scenario base;      ///< the base scenario as loaded
    std::string resolved_toml;    ///< the experiment with every setting, as used

    /// The scenario of one run: the base with the run's arm and factor values
    /// set, seed = the master seed, replicate = the run's. A value the scenario
    /// refuses is a ScenarioError naming the experiment file, the factor or arm
    /// and the run.
    scenario::Scenario scenario_for(const RunSpec& run) const;

    /// Loads the scenario of every distinct run (replicates differ only in their
    /// random streams), so a value the model refuses stops a sweep before it starts;
    /// on `threads` threads, reporting the refused run of lowest index whatever the threads.
    void check_scenarios(int threads = 1) const;

    /// A digest of everything a run's numbers depend on (the experiment, the
    /// base scenario, the world's figures, the program's version and commit): a
    /// sweep resumes only into a file with the same one.
    std::string digest() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    friend Experiment load_experiment_text(std::string_view text, const std::string& path);
/// The same from text; `path` names it in messages and anchors the base scenario's path.
Experiment load_experiment_text(std::string_view text, const std::string& path);
};

/// Loads an experiment file and expands its design. Strict like the scenario
/// loader: one-line ScenarioErrors with file:line:col, key and what was expected.
Experiment load_experiment(const std::string& path);
/// The same from text; `path` names it in messages and anchors the base scenario's path.
Experiment load_experiment_text(std::string_view text, const std::string& path);

/// True when `path` is a readable TOML file with an [experiment] table (what
/// `ssesim validate` uses to tell experiments from scenarios).
bool is_experiment_file(const std::string& path);

/// Largest number of runs an experiment may expand to.
inline constexpr std::int64_t max_runs = 1'000'000;

}  // namespace ssesim::sweep
