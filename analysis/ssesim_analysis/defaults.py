"""Defaults the verbs share, kept apart from the modules that draw so that the program and
the package import without matplotlib until a figure is asked for."""

#: File formats `plot` writes unless told otherwise.
FORMATS = ("png", "svg")

#: Indicators a brief shows when none is named, in this order, those the file holds; with the
#: step value each is taken at. Stocks (employees, impact) at the final step; founded_abroad
#: counts foundings in one step, so its mean over steps (foundings per step) is the measure.
DEFAULT_INDICATORS = (
    ("export_revenue", "final"), ("exports", "final"), ("employees", "final"), ("employees_abroad", "final"),
    ("impact_home", "final"), ("impact_abroad", "final"), ("founded_abroad", "mean"),
)
