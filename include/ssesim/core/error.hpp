#pragma once
// One error family for the whole program (STYLE.md "Errors"): every message is
// one line that names the file, line, key or agent and what was expected.
#include <stdexcept>
#include <string>

namespace ssesim {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A scenario or data file that cannot be accepted: "file:line:col: key: problem".
class ScenarioError : public Error {
public:
    using Error::Error;
};

/// A broken model invariant (stock-flow identity, NaN state): names step, agent, amount.
class InvariantError : public Error {
public:
    using Error::Error;
};

/// An output file that cannot be written or would overwrite existing results.
class OutputError : public Error {
public:
    using Error::Error;
};

/// A command line that cannot be obeyed.
class UsageError : public Error {
public:
    using Error::Error;
};

}  // namespace ssesim
