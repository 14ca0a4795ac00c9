"""The one error type of the package: bad input, said in one line."""


class AnalysisError(ValueError):
    """A file, dataset, table or argument that cannot be analysed; the message says what is
    missing or wrong and is fit to print as a one-line error."""
