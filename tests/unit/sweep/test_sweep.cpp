// Experiment designs and the sweep file's chunks: the order and content of the
// runs a design expands to, the scenario each run gets, the loader's messages,
// and the bytes the workers compress, read back through HDF5's own filters.
#include "ssesim/core/error.hpp"
#include "ssesim/io/sweep_writer.hpp"
#include "ssesim/model/model.hpp"
#include "ssesim/sweep/experiment.hpp"

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

using namespace ssesim;
namespace fs = std::filesystem;

namespace {

const std::string world = std::string(SSESIM_SOURCE_DIR) + "/scenarios/world/";

/// A temporary directory holding a small base scenario, removed afterwards.
struct Dir {
    fs::path path;
    Dir() {
        static int n = 0;
        path = fs::temp_directory_path() / ("ssesim_sweep_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
        fs::create_directories(path);
        write("base.toml", R"([run]
name = "b"
steps = 3
seed = 1
[world]
countries = ")" + world + R"(countries.csv"
pairs = ")" + world + R"(pairs.csv"
use = ["ESP", "MEX", "FRA"]
[[population]]
country = "ESP"
kind = "worker_coop"
sector = "manufacturing"
count = 20
mission = 0.5
[[population]]
country = "MEX"
kind = "for_profit"
sector = "manufacturing"
count = 20
)");
    }
    ~Dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& text) const {
        std::ofstream(path / name) << text;
        return (path / name).string();
    }
};

const std::string head = "[experiment]\nname = \"x\"\nscenario = \"base.toml\"\nseed = 5\n";

void should_fail(const Dir& d, const std::string& body, const std::string& message) {
    const std::string p = d.write("bad.toml", body);
    try {
        sweep::load_experiment(p);
        FAIL("loaded, but expected: " << message);
    } catch (const ScenarioError& e) {
        CHECK(std::string(e.what()) == p + ":" + message);
    }
}

}  // namespace

TEST_CASE("a factorial design runs arms x level combinations x replicates in a fixed order", "[sweep]") {
    Dir d;
    const sweep::Experiment e = sweep::load_experiment(d.write("e.toml", head + R"(replicates = 2
[[factor]]
path = "economy.elasticity"
levels = [3.0, 4.5]
[[factor]]
path = "population[1].kind"
levels = ["for_profit", "social_enterprise", "worker_coop"]
[[arm]]
name = "a"
[[arm]]
name = "b"
set = { "economy.partner_probability" = 0.25 }
)"));
    REQUIRE(e.runs.size() == 2 * 2 * 3 * 2);
    CHECK(e.factors[0].column == sweep::Factor::Column::real);
    CHECK(e.factors[1].column == sweep::Factor::Column::text);
    // arms outermost, the last factor fastest, replicates innermost
    const sweep::RunSpec& r = e.runs[2 * 3 * 2 + 3 * 2 + 2 * 2 + 1];  // arm b, elasticity 4.5, kind worker_coop, replicate 1
    CHECK(r.arm == 1);
    CHECK(std::get<double>(r.values[0]) == 4.5);
    CHECK(std::get<std::string>(r.values[1]) == "worker_coop");
    CHECK(r.replicate == 1);
    for (std::size_t i = 0; i < e.runs.size(); ++i) CHECK(e.runs[i].run == static_cast<std::int64_t>(i));

    const scenario::Scenario s = e.scenario_for(r);
    CHECK(s.economy.elasticity == 4.5);
    CHECK(s.economy.partner_probability == 0.25);
    CHECK(s.populations[1].kind == model::OrgKind::worker_coop);
    CHECK(s.seed == 5);
    CHECK(s.replicate == 1);
    // arm a leaves the base value
    CHECK(e.scenario_for(e.runs[0]).economy.partner_probability == e.base.economy.partner_probability);
    // the resolved experiment records every setting, defaults included
    CHECK(e.resolved_toml.find("design = 'factorial'") != std::string::npos);
    CHECK(e.resolved_toml.find("output = 'results/x.h5'") != std::string::npos);
    CHECK(e.digest().size() == 16);
}

TEST_CASE("checking every run's scenario on threads names the refused run of lowest index, as on one", "[sweep]") {
    Dir d;
    // 48 levels, refused (shape <= elasticity - 1 = 3) at levels 17 and 40 of the second factor's fastest axis
    std::string levels;
    for (int k = 0; k < 48; ++k) levels += (k ? ", " : "") + std::string(k == 17 || k == 40 ? "2.5" : "4.5");
    const sweep::Experiment e = sweep::load_experiment(
        d.write("e.toml", head + "replicates = 2\n[[factor]]\npath = \"population[0].productivity_shape\"\nlevels = [" + levels + "]\n"));
    REQUIRE(e.runs.size() == 96);
    std::string one, many;
    try {
        e.check_scenarios(1);
    } catch (const ScenarioError& x) {
        one = x.what();
    }
    try {
        e.check_scenarios(4);
    } catch (const ScenarioError& x) {
        many = x.what();
    }
    CHECK(one.find(": run 34 (") != std::string::npos);   // level 17, replicate 0
    CHECK(many == one);
    const sweep::Experiment fine = sweep::load_experiment(d.write("f.toml", head + "[[factor]]\npath = \"economy.elasticity\"\nlevels = [3.0, 3.5, 4.0]\n"));
    CHECK_NOTHROW(fine.check_scenarios(4));
}

TEST_CASE("common random numbers: replicate r of every arm and point has the same stream key", "[sweep]") {
    Dir d;
    const sweep::Experiment e = sweep::load_experiment(d.write("e.toml", head + R"(replicates = 3
[[factor]]
path = "economy.trade_cost_per_1000km"
levels = [0.1, 0.3]
[[arm]]
name = "a"
[[arm]]
name = "b"
)"));
    std::set<std::pair<std::uint64_t, std::uint64_t>> keys;
    for (const sweep::RunSpec& r : e.runs) {
        const scenario::Scenario s = e.scenario_for(r);
        CHECK(s.replicate == static_cast<std::uint64_t>(r.replicate));
        keys.insert({s.seed, s.replicate});
    }
    CHECK(keys.size() == 3);  // 12 runs, 3 stream keys
}

TEST_CASE("the sampled designs: Latin hypercube strata, Saltelli matrices, integer factors rounded", "[sweep]") {
    Dir d;
    const sweep::Experiment lhs = sweep::load_experiment(d.write("l.toml", head + R"(design = "lhs"
samples = 7
[[factor]]
path = "economy.partner_probability"
range = [0.0, 0.7]
)"));
    REQUIRE(lhs.runs.size() == 7);
    std::set<int> strata;
    for (const sweep::RunSpec& r : lhs.runs) strata.insert(static_cast<int>(std::get<double>(r.values[0]) / 0.1));
    CHECK(strata == std::set<int>{0, 1, 2, 3, 4, 5, 6});

    const sweep::Experiment s = sweep::load_experiment(d.write("s.toml", head + R"(design = "saltelli"
samples = 4
[[factor]]
path = "economy.partner_probability"
range = [0.0, 1.0]
[[factor]]
path = "population[0].count"
range = [10, 20]
)"));
    REQUIRE(s.runs.size() == 4 * (2 + 2));
    // Boost's Sobol sequence in 4 dimensions starts (0.5, 0.5, 0.5, 0.5), (0.75, 0.25, 0.25, 0.25)
    CHECK(s.runs[0].matrix == "A");
    CHECK(std::get<double>(s.runs[0].values[0]) == 0.5);
    CHECK(std::get<std::int64_t>(s.runs[0].values[1]) == 15);
    CHECK(s.runs[5].matrix == "B");
    CHECK(s.runs[5].sample == 1);
    CHECK(std::get<double>(s.runs[5].values[0]) == 0.25);
    CHECK(std::get<std::int64_t>(s.runs[5].values[1]) == 13);  // 12.5 rounds away from zero
    const sweep::RunSpec& ab1 = s.runs[4 + 2];  // sample 1, AB_1: A with factor 1 from B
    CHECK(ab1.matrix == "AB_1");
    CHECK(std::get<double>(ab1.values[0]) == 0.25);
    CHECK(std::get<std::int64_t>(ab1.values[1]) == std::get<std::int64_t>(s.runs[4].values[1]));
    for (const sweep::RunSpec& r : s.runs) CHECK(r.replicate == r.sample);
}

TEST_CASE("an LHS design depends on its seed, factors and samples only: the same points on every base scenario",
          "[sweep]") {
    // The calibration (scenarios/calibration/calibration.toml, ssesim-analysis calibrate) sweeps
    // each case scenario with the same factors, seed and samples and matches runs across the
    // case files by their factor values: that needs the very same doubles whatever the base
    // scenario, its world, the replicates or the arms.
    Dir d;
    d.write("other.toml", R"([run]
name = "other"
steps = 5
seed = 99
[world]
countries = ")" + world + R"(countries.csv"
pairs = ")" + world + R"(pairs.csv"
use = ["GBR", "AUS", "IND"]
[[population]]
country = "GBR"
kind = "social_enterprise"
sector = "services"
count = 5
mission = 0.8
)");
    const std::string factors = R"(design = "lhs"
samples = 9
[[factor]]
path = "economy.prospect_psychic_aversion"
range = [0.0, 8.0]
[[factor]]
path = "economy.export_fixed_cost"
range = [0.1, 2.0]
scale = "log"
[[factor]]
path = "economy.partner_probability"
range = [0.1, 1.0]
)";
    const std::string seed = "seed = 20261125\n";
    const sweep::Experiment a = sweep::load_experiment(
        d.write("a.toml", "[experiment]\nname = \"a\"\nscenario = \"base.toml\"\n" + seed + "replicates = 1\n" + factors));
    const sweep::Experiment b = sweep::load_experiment(
        d.write("b.toml", "[experiment]\nname = \"b\"\nscenario = \"other.toml\"\n" + seed + "replicates = 3\n" + factors +
                              "[[arm]]\nname = \"x\"\n[[arm]]\nname = \"y\"\nset = { \"economy.elasticity\" = 5.0 }\n"));
    REQUIRE(a.runs.size() == 9);
    REQUIRE(b.runs.size() == 2 * 9 * 3);
    for (std::size_t arm = 0; arm < 2; ++arm)
        for (std::size_t p = 0; p < 9; ++p)
            for (std::size_t r = 0; r < 3; ++r) {
                const sweep::RunSpec& run = b.runs[(arm * 9 + p) * 3 + r];
                for (std::size_t j = 0; j < 3; ++j)
                    CHECK(std::get<double>(run.values[j]) == std::get<double>(a.runs[p].values[j]));  // bit for bit
            }
    // Another seed gives other points (the design is drawn from the seed, not fixed).
    const sweep::Experiment c = sweep::load_experiment(
        d.write("c.toml", "[experiment]\nname = \"c\"\nscenario = \"base.toml\"\nseed = 20261126\nreplicates = 1\n" + factors));
    CHECK(std::get<double>(c.runs[0].values[0]) != std::get<double>(a.runs[0].values[0]));
}

TEST_CASE("experiment files are read strictly, with file, line, key and what was expected", "[sweep]") {
    Dir d;
    should_fail(d, head + "replicate = 2\n", "5:1: experiment.replicate: unknown key (did you mean 'replicates'?)");
    should_fail(d, head + "replicates = 0\n", "5:14: experiment.replicates: expected an integer in [1, 1000000], got 0");
    should_fail(d, head + "[[factor]]\npath = \"economy.elastcity\"\nlevels = [1.5]\n",
                "6:8: factor[0].path: expected the path of a scenario parameter (`ssesim describe` lists them), got "
                "\"economy.elastcity\" (did you mean 'economy.elasticity'?)");
    should_fail(d, head + "[[factor]]\npath = \"run.steps\"\nlevels = [4]\n",
                "6:8: factor[0].path: \"run.steps\" cannot vary within an experiment (it fixes the output's shape, the "
                "random streams or the files read)");
    should_fail(d, head + "[[factor]]\npath = \"population[2].count\"\nlevels = [4]\n",
                "6:8: factor[0].path: the base scenario has 2 [[population]] tables (population[0] to population[1]), got "
                "\"population[2].count\"");
    should_fail(d, head + "[[factor]]\npath = \"economy.elasticity\"\nlevels = [1.0]\n",
                "7:11: factor[0].levels[0]: expected a number in (1, 20] (economy.elasticity), got the number 1");
    should_fail(d, head + "design = \"lhs\"\nsamples = 4\n[[factor]]\npath = \"economy.elasticity\"\nrange = [5.0, 3.0]\n",
                "9:9: factor[0].range: expected [low, high] with low < high, both a number in (1, 20] (economy.elasticity), got [5.0, 3.0]");
    should_fail(d, head + "design = \"saltelli\"\nsamples = 4\nreplicates = 2\n[[factor]]\npath = \"economy.elasticity\"\nrange = [2.0, 3.0]\n",
                "7:14: experiment.replicates: expected 1 for a Saltelli design (each sample's k + 2 runs share one replicate; "
                "more samples give more precision), got 2");
    should_fail(d, head + "[[arm]]\nname = \"a\"\n[[arm]]\nname = \"a\"\n", "8:8: arm[1].name: arm \"a\" is named twice");
    should_fail(d, head + "[[factor]]\npath = \"economy.elasticity\"\nlevels = [3.0]\n[[arm]]\nname = \"a\"\nset = { \"economy.elasticity\" = 2.0 }\n",
                "10:9: arm[0].set: \"economy.elasticity\" is also a factor; an arm cannot fix what the design varies");
}

TEST_CASE("a run's chunks, compressed by the worker, read back through HDF5's filters unchanged", "[sweep]") {
    Dir d;
    const sweep::Experiment e = sweep::load_experiment(d.write("e.toml", head + "replicates = 2\n"));
    const io::StepLayout layout(e.base);
    const std::string path = (d.path / "s.h5").string();
    std::vector<std::vector<std::uint64_t>> raw;
    {
        io::SweepWriter writer(path, e, layout, false);
        CHECK_FALSE(writer.resumed());
        model::Model m(e.scenario_for(e.runs[1]), 1);
        io::RunRecorder recorder(layout, e.base.steps);
        for (int t = 0; t < 3; ++t) {
            m.step();
            recorder.record(m);
        }
        const io::EncodedRun run = recorder.encode(1);
        // the MPI message image round-trips
        const io::EncodedRun back = io::EncodedRun::deserialize(run.serialize(), layout.variables().size());
        CHECK(back.run == 1);
        CHECK(back.chunks == run.chunks);
        writer.write(back);
        for (std::size_t v = 0; v < layout.variables().size(); ++v)
            raw.emplace_back(recorder.raw(v).begin(), recorder.raw(v).end());
        writer.finish();
    }
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    for (std::size_t v = 0; v < layout.variables().size(); ++v) {
        const io::Variable& var = layout.variables()[v];
        const hid_t ds = H5Dopen2(f, var.name, H5P_DEFAULT);
        REQUIRE(ds >= 0);
        std::vector<std::uint64_t> all(2 * raw[v].size());
        REQUIRE(H5Dread(ds, var.real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()) >= 0);
        INFO(var.name);
        CHECK(std::equal(raw[v].begin(), raw[v].end(), all.begin() + static_cast<std::ptrdiff_t>(raw[v].size())));
        // run 0 was never written: the fill value
        const std::uint64_t fill = all[0];
        if (var.real) CHECK(std::isnan(std::bit_cast<double>(fill)));
        else CHECK(static_cast<std::int64_t>(fill) == -1);
        H5Dclose(ds);
    }
    H5Fclose(f);
    // reopened with the same experiment: resumes, run 1 complete, run 0 not
    io::SweepWriter again(path, e, layout, false);
    CHECK(again.resumed());
    CHECK(again.complete() == std::vector<bool>{false, true});
    again.finish();
}

TEST_CASE("the resolved experiment loads back to itself (fuzz_experiment findings)", "[sweep]") {
    // Found by tools/fuzz: a factorial design's resolved text held `samples = 0`, which a
    // factorial design refuses; an empty [[factor]] array was refused; text levels must
    // keep their TOML type (a boolean is not the string "true").
    Dir d;
    for (const std::string& body : {
             head + "replicates = 2\n[[factor]]\npath = \"population[0].join_federation\"\nlevels = [true, false]\n"
                    "[[factor]]\npath = \"population[1].kind\"\nlevels = [\"for_profit\", \"social_enterprise\"]\n",
             "factor = []\n" + head,
             head + "design = \"lhs\"\nsamples = 3\n[[factor]]\npath = \"economy.trade_cost_per_1000km\"\nrange = [0.01, 0.05]\n",
         }) {
        const std::string p = d.write("e.toml", body);
        const sweep::Experiment e = sweep::load_experiment(p);
        const sweep::Experiment again = sweep::load_experiment_text(e.resolved_toml, p);
        CHECK(again.resolved_toml == e.resolved_toml);
        CHECK(again.runs.size() == e.runs.size());
        CHECK(again.digest() == e.digest());
        if (e.factors.size() == 2) CHECK(again.scenario_for(again.runs[4]).populations[0].join_federation == false);
    }
}
