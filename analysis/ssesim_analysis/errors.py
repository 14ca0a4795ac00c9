"""The one error type of the package: bad input, said in one line; and the strict read of a
TOML input file that raises it."""
import tomllib
from pathlib import Path


class AnalysisError(ValueError):
    """A file, dataset, table or argument that cannot be analysed; the message says what is
    missing or wrong and is fit to print as a one-line error."""


def read_toml(path: Path, what: str) -> dict:
    """The TOML file at `path`, or an AnalysisError naming it as `what` (e.g. "targets file")."""
    if not path.is_file():
        raise AnalysisError(f"{path}: no such {what}")
    try:
        return tomllib.loads(path.read_text())
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise AnalysisError(f"{path}: not valid TOML ({e})") from None
