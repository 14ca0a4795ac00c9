#pragma once
// What the benchmark programs share on the command line: --help, every error as
// one line "<program>: error: ..." with ssesim's exit codes (2 usage, 3 output,
// 1 anything else), and numbers printed with a printf format.
#include "ssesim/core/error.hpp"

#include <boost/program_options.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
#include <string>

namespace ssesim::bench {

/// Parses the command line into `desc`'s variables; prints `usage` and returns
/// nothing when --help was asked for.
inline std::optional<boost::program_options::variables_map> parse_command_line(
    int argc, char** argv, const boost::program_options::options_description& desc, const char* usage) {
    namespace po = boost::program_options;
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(desc).run(), vm);
    if (vm.count("help")) {
        std::cout << usage;
        return std::nullopt;
    }
    po::notify(vm);
    return vm;
}

/// `value` as `format` (one printf conversion of a double) prints it.
inline std::string fmt(const char* format, double value) {
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
    return buf;
}

/// Runs `run()`, turning what it throws into one error line and an exit code.
template <class Run>
int guarded_main(const char* program, Run&& run) {
    try {
        return run();
    } catch (const boost::program_options::error& e) {
        std::cerr << program << ": error: " << e.what() << "\n";
        return 2;
    } catch (const OutputError& e) {
        std::cerr << program << ": error: " << e.what() << "\n";
        return 3;
    } catch (const UsageError& e) {
        std::cerr << program << ": error: " << e.what() << "\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << program << ": error: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace ssesim::bench
