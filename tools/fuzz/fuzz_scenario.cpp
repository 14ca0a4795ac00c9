// libFuzzer target: the scenario loader, ssesim::scenario::load_scenario(path).
//
// Each input is written to one file, <work dir>/scenario.toml, beside a link
// `world` -> scenarios/world/, and loaded as `ssesim validate` would load it.
// Expected: a Scenario, or an ssesim::Error with a one-line message. Findings: any
// other exception, a crash, an ASan/UBSan/libstdc++-assertion report, a leak, a
// hang (-timeout), and a loaded scenario whose resolved TOML (stored in every
// output file and re-read by --seed) does not load back to itself.
#include "fuzz_support.hpp"

#include "ssesim/scenario/loader.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    ssesim::fuzz::work_dir();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ssesim;
    static const std::string path = (fuzz::work_dir() / "scenario.toml").string();
    fuzz::write_file(path, data, size);
    fuzz::expect_clean([&] {
        const scenario::Scenario s = scenario::load_scenario(path);
        scenario::Scenario again;
        try {
            again = scenario::load_scenario_text(s.resolved_toml, path);
        } catch (const Error& e) {
            fuzz::finding("the resolved scenario does not load back: " + std::string(e.what()) +
                          "\n--- resolved TOML ---\n" + s.resolved_toml);
        }
        if (again.resolved_toml != s.resolved_toml)
            fuzz::finding("the resolved scenario loads back to a different one:\n--- first ---\n" +
                          s.resolved_toml + "\n--- loaded back ---\n" + again.resolved_toml);
    });
    return 0;
}
