"""Bad input: every defective scenario or command line gives one clear line on stderr.

Each directory tests/bad_input/NN_name/ is one case:

  scenario.toml   the scenario with exactly one defect (its first line: `# rule: ...`);
                  passed as the first argument after the verb when present
  experiment.toml an experiment with exactly one defect, over scenario.toml; passed
                  instead of scenario.toml when present
  expected.txt    the single stderr line expected
  verb.txt        optional, the command (default: validate)
  args.txt        optional, extra arguments, one per line; lines starting with '#' are comments
  precreate.txt   optional, files the test creates before the run, one per line

In args.txt, expected.txt and precreate.txt, `{dir}` stands for the case directory (relative
to the repository root, where the program runs) and `{tmp}` for a fresh temporary directory.
"""
import os
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "bad_input"
BIN = Path(os.environ.get("SSESIM_BIN", ROOT / "build" / "debug" / "ssesim"))
if not BIN.is_absolute():
    BIN = ROOT / BIN
ENV = dict(os.environ, HDF5_USE_FILE_LOCKING="FALSE")
TIMEOUT = 60  # seconds


def run(*args):
    """The program with these arguments, from the repository root."""
    return subprocess.run([str(BIN), *map(str, args)], cwd=ROOT, capture_output=True, env=ENV,
                          timeout=TIMEOUT)


def error_line(proc):
    """The one line a failed run printed on stderr, after checking it failed cleanly."""
    stderr = proc.stderr.decode("utf-8", errors="replace")
    assert proc.returncode != 0, f"exit code 0; stdout: {proc.stdout!r}"
    assert proc.returncode > 0, f"killed by signal {-proc.returncode}; stderr: {stderr[:500]!r}"
    assert stderr.endswith("\n") and stderr.count("\n") == 1, f"not one line: {stderr[:500]!r}"
    assert proc.stdout == b""
    return stderr[:-1]


# ---- the corpus ----

def read_lines(path, subst):
    """Non-comment lines of a case file, placeholders substituted; [] when it is absent."""
    if not path.exists():
        return []
    lines = path.read_text().splitlines()
    return [subst(line) for line in lines if line.strip() and not line.startswith("#")]


def output_target(args):
    """The -o/--output argument of a command line, or None."""
    for i, arg in enumerate(args):
        if arg in ("-o", "--output") and i + 1 < len(args):
            return Path(args[i + 1])
        if arg.startswith("--output="):
            return Path(arg.split("=", 1)[1])
    return None


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_bad_input(case, tmp_path):
    case_dir = CASES / case
    rel = case_dir.relative_to(ROOT).as_posix()

    def subst(text):
        return text.replace("{dir}", rel).replace("{tmp}", str(tmp_path))

    verb = (read_lines(case_dir / "verb.txt", subst) or ["validate"])[0]
    first = next((n for n in ("experiment.toml", "scenario.toml") if (case_dir / n).exists()), None)
    scenario = [f"{rel}/{first}"] if first else []
    args = [*scenario, *read_lines(case_dir / "args.txt", subst)]
    expected = read_lines(case_dir / "expected.txt", subst)
    assert len(expected) == 1, f"{case}/expected.txt must hold one line"

    precreated = {}
    for line in read_lines(case_dir / "precreate.txt", subst):
        path = Path(line)
        path.write_bytes(b"not an HDF5 file: must survive a refused run\n")
        precreated[path] = path.read_bytes()

    target = output_target(args)
    if target is not None and not target.is_absolute():
        target = ROOT / target
    target_existed = target is not None and target.exists()
    tmp_before = set(tmp_path.rglob("*"))

    proc = run(verb, *args)
    assert error_line(proc) == expected[0]
    for path, content in precreated.items():
        assert path.read_bytes() == content, f"{path} was changed by a failed run"
    if target is not None and not target_existed:
        assert not target.exists(), f"a failed run left {target}"
    assert set(tmp_path.rglob("*")) == tmp_before, "a failed run left files behind"


# ---- the program's limits ----

def test_huge_file_is_refused_fast(tmp_path):
    path = tmp_path / "huge.toml"
    line = b"# a comment line, repeated to make a file far larger than any scenario\n"
    with path.open("wb") as f:
        f.write(line * (100 * 1024 * 1024 // len(line) + 1))
    assert path.stat().st_size >= 100 * 1024 * 1024
    start = time.monotonic()
    proc = run("validate", path)
    elapsed = time.monotonic() - start
    path.unlink()  # do not leave 100 MB behind in the kept pytest temporary directories
    line = error_line(proc)
    assert line.startswith(f"ssesim: error: {path}: file larger than "), line
    assert proc.returncode == 2
    assert elapsed < 10, f"took {elapsed:.1f} s to refuse a 100 MB file"


NESTINGS = {
    "arrays": lambda n: "a = " + "[" * n + "]" * n,
    "inline_tables": lambda n: "a = " + "{ b = " * n + "1" + " }" * n,
    "dotted_keys": lambda n: ".".join(["k"] * n) + " = 1",
    "table_header": lambda n: "[" + ".".join(["k"] * n) + "]",
}


@pytest.mark.parametrize("depth", [10_000, 100_000])
@pytest.mark.parametrize("kind", NESTINGS)
def test_deep_nesting_is_one_line_error(tmp_path, kind, depth):
    path = tmp_path / f"deep_{kind}.toml"
    path.write_text(NESTINGS[kind](depth) + "\n")
    assert path.stat().st_size < 4 * 1024 * 1024  # under the size limit: the parser must cope
    proc = run("validate", path)
    line = error_line(proc)
    assert line.startswith(f"ssesim: error: {path}:1:"), line[:500]
    assert proc.returncode == 2
