#pragma once
// What the libFuzzer targets share: one working directory per process, a file
// rewritten in place for each input, and the rule that tells an expected refusal
// (ssesim::Error with a one-line message) from a finding (anything else).
#include "ssesim/core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>

namespace ssesim::fuzz {

/// A directory made once per process under $TMPDIR (or /tmp) and removed at exit.
/// It holds `world`, a symbolic link to the project's scenarios/world/, so that
/// a scenario's relative "world/countries.csv" resolves as it does in scenarios/.
const std::filesystem::path& work_dir();

/// Replaces the content of `path` with the bytes given (one file reused per input).
void write_file(const std::string& path, const std::uint8_t* data, std::size_t size);

/// Prints a finding and aborts, which libFuzzer records as a crash.
[[noreturn]] void finding(const std::string& what);

/// Checks what a refused input said: one non-empty line, not an internal error.
void check_refusal(const ssesim::Error& e);

/// Runs `f` on one input: returning or throwing ssesim::Error (bad input, refused
/// with a clean message, checked by check_refusal unless `check_message` is false)
/// is expected; any other exception is a finding.
template <class F>
void expect_clean(F&& f, bool check_message = true) {
    try {
        f();
    } catch (const ssesim::Error& e) {
        if (check_message) check_refusal(e);
    } catch (const std::exception& e) {
        finding(std::string("exception other than ssesim::Error: ") + e.what());
    } catch (...) {
        finding("exception of a type not derived from std::exception");
    }
}

}  // namespace ssesim::fuzz
