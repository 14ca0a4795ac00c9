#!/usr/bin/python3
"""Derive ssesim's default-world tables from the raw country data.

Reads the raw public files in ``--data`` (default: ``../shared/data/world``
relative to the repository root) and writes three files into ``--out``
(default: ``scenarios/world`` in the repository):

* ``countries.csv`` -- one row per country (59 rows, fixed order, see COUNTRIES);
* ``pairs.csv``     -- one row per ordered pair (origin, destination), 59 x 59
  = 3,481 rows, diagonal included;
* ``SOURCES.md``    -- publisher, series code, year, unit and licence of every
  column, the attribution each licence asks for, the assumptions, the SHA-256
  of every input file read, and the command that regenerates the tables.

Python 3 standard library only; no network.  The output is deterministic:
running the script twice on the same inputs gives byte-identical files.

Regenerate (from the repository root)::

    /usr/bin/python3 tools/world/derive_world.py

Derivations
-----------
population         WB WDI SP.POP.TOTL, reference year 2022 (REF_YEAR_WB); if
                   missing, the latest earlier year (recorded in year_population).
gdp_usd            WB WDI NY.GDP.MKTP.CD, current US$, same rule (year_gdp).
gdp_per_capita_usd gdp_usd / population (both unrounded).
gdp_per_capita_ppp WB WDI NY.GDP.PCAP.PP.CD, current international $, 2022 or
                   latest earlier year.
labour_share       Penn World Table 10.01 ``labsh`` (share of labour
                   compensation in GDP at current national prices), 2019
                   (REF_YEAR_PWT, the last PWT 10.01 year) or latest earlier.
employment         PWT 10.01 ``emp`` (millions of persons engaged) x 1e6, 2019.
wage_per_worker_usd
                   Average labour compensation per person engaged, current US$,
                   at the WB reference year::

                       wage = labour_share_2019 * gdp_usd_2022
                              / (employment_2019 * population_2022 / population_2019)

                   i.e. the 2019 employment count is scaled to 2022 by the
                   growth of the WB population (SP.POP.TOTL) between 2019 and
                   2022 (constant employment-to-population ratio), and the 2019
                   labour share is assumed unchanged in 2022.  "Persons engaged"
                   includes the self-employed, whose mixed income PWT counts in
                   labsh, so this is compensation per worker, not an employee
                   wage.  (Years are the ones actually used; see SOURCES.md.)
informality        ILOSTAT EMP_NIFL_SEX_RT_A, informal employment rate, Sex:
                   Total, latest year available, divided by 100.  If several
                   survey sources report that same year, their unweighted mean
                   is used.  The ILO file is keyed by country *name*; the
                   mapping to ISO3 is ILO_NAME_TO_ISO3 below.  CAN, USA, CHN, JPN,
                   ROU, MAR and PHL are not in the file (ILO_ABSENT): their
                   cell (and year) is left EMPTY,
                   meaning "assumption required" -- no value is invented here.
governance         Mean of the six World Bank WGI estimates (va, pv, ge, rq, rl,
                   cc; about -2.5..2.5), 2022 (REF_YEAR_WGI) or the latest
                   earlier year with all six, rounded to 4 decimals.
lang1, lang2       CEPII geo_cepii langoff_1 / langoff_2 of the row with
                   cap == 1 ('.' -> empty).  continent: same row.
name               official_name_en from country-codes.csv (UN/ISO short name).
government_share   PWT 10.01 ``csh_g`` (share of government consumption in
                   output-side real GDP at current PPPs), 2019 or latest
                   earlier year.
demand_<sector>    Share of final demand spent on each of the model's five
                   sectors (agri_food, manufacturing, services,
                   platform_logistics, education).  ASSUMPTION, no data:
                   see "Sector demand shares" below.
sse_maturity,      ASSUMPTIONS scored from legal and institutional facts
coop_recognition   listed per country in legal_facts.py (see there and the
                   generated SOURCES.md); points / maximum.
legal_family       common (English legal origin) or civil (French, German,
                   Scandinavian origin), after La Porta, Lopez-de-Silanes &
                   Shleifer (2008); per country in legal_facts.py.

Sector demand shares (ASSUMPTION)
---------------------------------
With y = gdp_per_capita_ppp and g = government_share as written, and the
development index t = clamp(ln(y / Y_LO) / ln(Y_HI / Y_LO), 0, 1)::

    agri_food          = AGRI_LO - (AGRI_LO - AGRI_HI) * t        (Engel's law)
    education          = EDU_BASE + EDU_PER_GOV * g
    platform_logistics = LOGISTICS_SHARE
    rest               = 1 - agri_food - education - platform_logistics
    services           = (SERV_FRAC_LO + (SERV_FRAC_HI - SERV_FRAC_LO) * t) * rest
    manufacturing      = rest - services

Each share is rounded to SHARE_DECIMALS decimals; the largest absorbs the
rounding remainder so that the written shares sum to exactly 1.  Rationale of
every coefficient: in sources_md() below and in the generated SOURCES.md.

Pairs: contig, comlang_off, comlang_ethno, colony, comcol, smctry and dist are
copied from CEPII GeoDist dist_cepii.csv for the ordered pair (iso_o, iso_d);
distw_km is the population-weighted distance ``distw``, or ``dist`` when distw
is '.'.  On the diagonal CEPII's "distance" is its internal-distance measure.

Psychic distance
----------------
A composite of "psychic distance stimuli" in the spirit of Dow & Karunaratna
(2006, Journal of International Business Studies 37: 578-602), built only from
the data above.  It is 1 minus the weighted share of stimuli the two countries
have in common, i.e. the weighted sum of their differences::

    pd(o, d) = W_COMLANG_OFF   * (1 - comlang_off)
             + W_COMLANG_ETHNO * (1 - comlang_ethno)
             + W_COLONIAL      * (1 - max(colony, comcol, smctry))
             + W_CONTIG        * (1 - contig)
             + W_GEO           * ln(distw) / ln(max distw)      [*]
             + W_DEVELOPMENT   * |ln ppp_o - ln ppp_d| / max |ln ppp_i - ln ppp_j|
             + W_GOVERNANCE    * |gov_o - gov_d|       / max |gov_i - gov_j|

with maxima over the off-diagonal pairs of the table's countries, and pd = 0 on the
diagonal.  The inputs are the values *as written* in the tables (distw_km,
gdp_per_capita_ppp, governance), so pd can be recomputed from the committed
tables alone.  The binary stimuli are symmetrised (the maximum of the (o, d) and
(d, o) rows), so pd is symmetric (SOURCES.md lists the pairs where the two rows
differ, e.g. CHN-KOR, where CEPII has smctry = 1 for CHN->KOR but 0 for KOR->CHN).  [*] ln(distw)
is likewise averaged over the two directions (CEPII's distw differs in the 7th
digit for a few pairs).

THE WEIGHTS ARE AN ASSUMPTION OF SSESIM, NOT AN ESTIMATE.  They were chosen by
hand (language weighted most, following the prominence of language in the
internationalisation cases of DOMAIN.md section 5), sum to 1, and should be
varied in sensitivity analyses.  Dow & Karunaratna estimated the influence of
their stimuli on trade flows; nothing here re-estimates it.

Legal compatibility for co-operatives (ASSUMPTION)
--------------------------------------------------
::

    legal_compat(o, o) = 1
    legal_compat(o, d) = 1          if o and d are both EU member states
                                    (Council Regulation (EC) No 1435/2003,
                                    Statute for a European Cooperative Society)
                       = min(cr_o, cr_d) * (LEGAL_COMPAT_SAME_FAMILY  if same legal_family
                                            LEGAL_COMPAT_OTHER_FAMILY otherwise)

with cr = coop_recognition as written in countries.csv.  Symmetric.
"""

import argparse
import csv
import hashlib
import math
import os
import sys

sys.dont_write_bytecode = True   # no __pycache__ in tools/world
import legal_facts  # noqa: E402  (facts of the SSE columns, beside this file)

# --------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------

COUNTRIES = ("ESP FRA ITA GBR NLD BEL DEU PRT CAN USA MEX BRA ARG PER COL "
             "IND KOR AUS SEN BFA KEN ZAF CHN JPN ECU NIC "
             # added in session 9 for the case worlds of issue 9 (plants in tens of
             # countries, sourcing from 20+, transfers to about 32): every country
             # with the data of every column, legal facts in legal_facts.py
             "CHL URY GTM HND BOL DOM CZE POL ROU SVK SVN HUN TUR RUS MAR TUN EGY "
             "TZA RWA CIV CMR ZMB ZWE MOZ NGA NER BEN TGO THA LKA IDN PHL LAO").split()

REF_YEAR_WB = 2022    # population, GDP, GDP per capita PPP
REF_YEAR_PWT = 2019   # last year of Penn World Table 10.01
REF_YEAR_WGI = 2022   # governance

# Psychic-distance weights: an ssesim ASSUMPTION (see docstring); sum = 1.
W_COMLANG_OFF = 0.25    # no common official language
W_COMLANG_ETHNO = 0.10  # no language spoken by >= 9% of both populations
W_COLONIAL = 0.15       # no colonial link / common coloniser / same country
W_CONTIG = 0.05         # not contiguous
W_GEO = 0.20            # log population-weighted distance, scaled to max
W_DEVELOPMENT = 0.15    # gap in log GDP per capita (PPP), scaled to max
W_GOVERNANCE = 0.10     # gap in mean WGI estimate, scaled to max

PD_WEIGHTS = (W_COMLANG_OFF, W_COMLANG_ETHNO, W_COLONIAL, W_CONTIG, W_GEO,
              W_DEVELOPMENT, W_GOVERNANCE)
assert abs(sum(PD_WEIGHTS) - 1.0) < 1e-12, "psychic-distance weights must sum to 1"

# Sector demand shares: an ssesim ASSUMPTION (see docstring, SOURCES.md).
SECTORS = ("agri_food", "manufacturing", "services", "platform_logistics", "education")
DEMAND_Y_LO = 2000.0     # GDP per capita PPP (current intl $) of the low-income anchor, t = 0
DEMAND_Y_HI = 80000.0    # ... of the high-income anchor, t = 1
AGRI_LO = 0.35           # agri-food share of final demand at t = 0
AGRI_HI = 0.07           # ... at t = 1
SERV_FRAC_LO = 0.45      # services' share of the rest (all but food, education, logistics), t = 0
SERV_FRAC_HI = 0.75      # ... t = 1
EDU_BASE = 0.01          # private education spending, share of final demand
EDU_PER_GOV = 0.25       # share of government consumption spent on education
LOGISTICS_SHARE = 0.05   # platform_logistics (transport, storage, delivery), constant
SHARE_DECIMALS = 6

# Legal compatibility for co-operatives: an ssesim ASSUMPTION (see docstring).
LEGAL_COMPAT_SAME_FAMILY = 1.0
LEGAL_COMPAT_OTHER_FAMILY = 0.7

# ILOSTAT ref_area.label -> ISO3 (the target countries the file contains).
ILO_NAME_TO_ISO3 = {
    "Spain": "ESP",
    "France": "FRA",
    "Italy": "ITA",
    "United Kingdom of Great Britain and Northern Ireland": "GBR",
    "Netherlands": "NLD",
    "Belgium": "BEL",
    "Germany": "DEU",
    "Portugal": "PRT",
    "Mexico": "MEX",
    "Brazil": "BRA",
    "Argentina": "ARG",
    "Peru": "PER",
    "Colombia": "COL",
    "India": "IND",
    "Republic of Korea": "KOR",
    "Australia": "AUS",
    "Senegal": "SEN",
    "Burkina Faso": "BFA",
    "Kenya": "KEN",
    "South Africa": "ZAF",
    "Ecuador": "ECU",
    "Nicaragua": "NIC",
    "Chile": "CHL",
    "Uruguay": "URY",
    "Guatemala": "GTM",
    "Honduras": "HND",
    "Bolivia (Plurinational State of)": "BOL",
    "Dominican Republic": "DOM",
    "Czechia": "CZE",
    "Poland": "POL",
    "Slovakia": "SVK",
    "Slovenia": "SVN",
    "Hungary": "HUN",
    "Türkiye": "TUR",
    "Russian Federation": "RUS",
    "Tunisia": "TUN",
    "Egypt": "EGY",
    "Tanzania, United Republic of": "TZA",
    "Rwanda": "RWA",
    "Côte d'Ivoire": "CIV",
    "Cameroon": "CMR",
    "Zambia": "ZMB",
    "Zimbabwe": "ZWE",
    "Mozambique": "MOZ",
    "Nigeria": "NGA",
    "Niger": "NER",
    "Benin": "BEN",
    "Togo": "TGO",
    "Thailand": "THA",
    "Sri Lanka": "LKA",
    "Indonesia": "IDN",
    "Lao People's Democratic Republic": "LAO",
}
# Not in the ILO file: informality left empty ("assumption required").
ILO_ABSENT = ("CAN", "USA", "CHN", "JPN", "ROU", "MAR", "PHL")

WGI_INDICATORS = ("va", "pv", "ge", "rq", "rl", "cc")
# The WGI and CEPII files key Romania by its old code ROM (ISO 3166: ROU).
OLD_CODE_TO_ISO3 = {"ROM": "ROU"}

F_POP = "wb_population.csv"
F_GDP = "wb_gdp.csv"
F_PPP = "wdi_gdp_per_capita_ppp_current_international_long.csv"
F_PWT = "pwt101.csv"
F_ILO = "ilo_EMP_NIFL_SEX_RT_A_informal_employment_rate_20240726.csv"
F_WGI = "wgi_wgidataset.csv"
F_GEO = "geo_cepii.csv"
F_DIST = "dist_cepii.csv"
F_CODES = "country-codes.csv"
INPUT_FILES = (F_POP, F_GDP, F_PPP, F_PWT, F_ILO, F_WGI, F_GEO, F_DIST, F_CODES)

COUNTRY_COLUMNS = [
    "iso3", "name", "population", "gdp_usd", "gdp_per_capita_usd",
    "gdp_per_capita_ppp", "labour_share", "wage_per_worker_usd", "employment",
    "informality", "governance", "lang1", "lang2", "continent",
    "government_share",
] + ["demand_" + s for s in SECTORS] + [
    "sse_maturity", "coop_recognition", "legal_family",
    "year_population", "year_gdp", "year_informality",
]
PAIR_COLUMNS = [
    "iso_o", "iso_d", "dist_km", "distw_km", "contig", "comlang_off",
    "comlang_ethno", "colony", "comcol", "smctry", "psychic_distance",
    "legal_compat",
]

REGEN_COMMAND = "/usr/bin/python3 tools/world/derive_world.py"
TEST_COMMAND = "/usr/bin/python3 -m pytest -q tests/world"


class DataError(Exception):
    """A required figure is missing or malformed in the raw data."""


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def read_csv(data_dir, name):
    """All rows of a raw CSV file as dicts (handles a UTF-8 BOM)."""
    path = os.path.join(data_dir, name)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def to_float(text):
    """Float, or None for the missing-value markers used by the sources."""
    text = (text or "").strip()
    if text in ("", ".", "..", "NA", "nan"):
        return None
    value = float(text)
    if not math.isfinite(value):
        return None
    return value


def pick_year(series, ref_year):
    """(year, value) for ref_year, else the latest earlier year with a value."""
    years = sorted((y for y, v in series.items() if y <= ref_year and v is not None),
                   reverse=True)
    if not years:
        return None, None
    return years[0], series[years[0]]


def sig(x, digits=6):
    """x rounded to `digits` significant digits, as a float."""
    if x == 0:
        return 0.0
    return float("%.*g" % (digits, x))


def fmt(x, digits=6):
    """Text for a float rounded to `digits` significant digits, never in
    exponent notation; whole numbers are written without a decimal point."""
    if x is None:
        return ""
    r = sig(x, digits)
    if r == 0:
        return "0"
    if r == int(r):
        return str(int(r))
    text = repr(r)
    if "e" in text or "E" in text:
        text = ("%.15f" % r).rstrip("0").rstrip(".")
    return text


def fmt_dec(x, decimals):
    text = "%.*f" % (decimals, x)
    if float(text) == 0:
        text = "%.*f" % (decimals, 0.0)   # no "-0.0000"
    return text


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------
# Loaders
# --------------------------------------------------------------------------

def load_wb_long(data_dir, name, code_col, year_col, value_col):
    """{iso3: {year: value}} for the target countries."""
    out = {c: {} for c in COUNTRIES}
    for row in read_csv(data_dir, name):
        code = row[code_col]
        if code in out:
            out[code][int(row[year_col])] = to_float(row[value_col])
    return out


def load_pwt(data_dir):
    out = {c: {} for c in COUNTRIES}
    for row in read_csv(data_dir, F_PWT):
        code = row["countrycode"]
        if code in out:
            out[code][int(row["year"])] = (to_float(row["labsh"]), to_float(row["emp"]),
                                           to_float(row["csh_g"]), to_float(row["csh_c"]))
    return out


def load_ilo(data_dir):
    """{iso3: (year, fraction, [source labels], [status labels])}, latest year."""
    by_year = {}
    for row in read_csv(data_dir, F_ILO):
        if row["sex.label"] != "Sex: Total":
            continue
        iso = ILO_NAME_TO_ISO3.get(row["ref_area.label"])
        if iso is None:
            continue
        value = to_float(row["obs_value"])
        if value is None:
            continue
        by_year.setdefault(iso, {}).setdefault(int(row["time"]), []).append(
            (value, row["source.label"], row["obs_status.label"]))
    out = {}
    for iso, years in by_year.items():
        year = max(years)
        obs = years[year]
        mean_pct = sum(v for v, _, _ in obs) / len(obs)
        out[iso] = (year, mean_pct / 100.0,
                    sorted(s for _, s, _ in obs),
                    sorted({st for _, _, st in obs if st}))
    return out


def load_wgi(data_dir):
    """{iso3: {year: {indicator: estimate}}}."""
    out = {c: {} for c in COUNTRIES}
    for row in read_csv(data_dir, F_WGI):
        code = OLD_CODE_TO_ISO3.get(row["code"], row["code"])
        if code in out and row["indicator"] in WGI_INDICATORS:
            est = to_float(row["estimate"])
            if est is not None:
                out[code].setdefault(int(row["year"]), {})[row["indicator"]] = est
    return out


def load_geo(data_dir):
    out = {}
    for row in read_csv(data_dir, F_GEO):
        iso = OLD_CODE_TO_ISO3.get(row["iso3"], row["iso3"])
        if iso in COUNTRIES and row["cap"].strip() == "1":
            if iso in out:
                raise DataError("geo_cepii: two cap==1 rows for %s" % iso)
            out[iso] = row
    return out


def load_names(data_dir):
    out = {}
    for row in read_csv(data_dir, F_CODES):
        iso = row["ISO3166-1-Alpha-3"]
        if iso in COUNTRIES:
            out[iso] = row["official_name_en"].strip()
    return out


def load_dist(data_dir):
    out = {}
    target = set(COUNTRIES)
    for row in read_csv(data_dir, F_DIST):
        o = OLD_CODE_TO_ISO3.get(row["iso_o"], row["iso_o"])
        d = OLD_CODE_TO_ISO3.get(row["iso_d"], row["iso_d"])
        if o in target and d in target:
            out[(o, d)] = row
    return out


# --------------------------------------------------------------------------
# Derivation
# --------------------------------------------------------------------------

def require(value, what, iso):
    if value is None:
        raise DataError("missing %s for %s" % (what, iso))
    return value


def demand_shares(ppp, gov):
    """({sector: text}, t): sector shares of final demand (ASSUMPTION, see the
    module docstring), rounded to SHARE_DECIMALS decimals; the largest share
    absorbs the rounding remainder, so the written shares sum to exactly 1."""
    t = math.log(ppp / DEMAND_Y_LO) / math.log(DEMAND_Y_HI / DEMAND_Y_LO)
    t = min(1.0, max(0.0, t))
    agri = AGRI_LO - (AGRI_LO - AGRI_HI) * t
    edu = EDU_BASE + EDU_PER_GOV * gov
    logistics = LOGISTICS_SHARE
    rest = 1.0 - agri - edu - logistics
    services = (SERV_FRAC_LO + (SERV_FRAC_HI - SERV_FRAC_LO) * t) * rest
    exact = {"agri_food": agri, "manufacturing": rest - services, "services": services,
             "platform_logistics": logistics, "education": edu}
    unit = 10 ** SHARE_DECIMALS
    units = {s: int(math.floor(exact[s] * unit + 0.5)) for s in SECTORS}
    largest = max(SECTORS, key=lambda s: (units[s], -SECTORS.index(s)))
    units[largest] += unit - sum(units.values())
    for s in SECTORS:
        if not 0 < units[s] < unit:
            raise DataError("demand share %s out of (0, 1): %r" % (s, exact[s]))
    return {s: "%d.%0*d" % (units[s] // unit, SHARE_DECIMALS, units[s] % unit)
            for s in SECTORS}, t


def checked_points(table, iso, keys):
    entry = table.get(iso)
    if entry is None:
        raise DataError("legal_facts: no entry for %s" % iso)
    out = {}
    for k in keys:
        points, fact = entry[k]
        if points not in (0, 0.5, 1) or not fact or "|" in fact:
            raise DataError("legal_facts: bad %s for %s: %r" % (k, iso, entry[k]))
        out[k] = (points, fact)
    return out


def coop_points(iso):
    """{criterion: (points, fact)} of coop_recognition (legal_facts.COOP)."""
    return checked_points(legal_facts.COOP, iso, [k for k, _ in legal_facts.COOP_CRITERIA])


def sse_points(iso):
    """{criterion: (points, fact)} of sse_maturity; C is R1 of coop_recognition."""
    out = checked_points(legal_facts.SSE, iso, ("A", "B", "D"))
    out["C"] = coop_points(iso)["R1"]
    return {k: out[k] for k, _ in legal_facts.SSE_CRITERIA}


def derive_countries(data_dir):
    pop = load_wb_long(data_dir, F_POP, "Country Code", "Year", "Value")
    gdp = load_wb_long(data_dir, F_GDP, "Country Code", "Year", "Value")
    ppp = load_wb_long(data_dir, F_PPP, "countryCode", "year", "value")
    pwt = load_pwt(data_dir)
    ilo = load_ilo(data_dir)
    wgi = load_wgi(data_dir)
    geo = load_geo(data_dir)
    names = load_names(data_dir)

    rows, meta = [], {}
    for iso in COUNTRIES:
        m = {}
        y_pop, population = pick_year(pop[iso], REF_YEAR_WB)
        require(population, "population", iso)
        y_gdp, gdp_usd = pick_year(gdp[iso], REF_YEAR_WB)
        require(gdp_usd, "GDP", iso)
        y_ppp, gdp_ppp = pick_year(ppp[iso], REF_YEAR_WB)
        require(gdp_ppp, "GDP per capita PPP", iso)

        pwt_ok = {y: v for y, v in pwt[iso].items()
                  if v[0] is not None and v[1] is not None}
        y_pwt = max((y for y in pwt_ok if y <= REF_YEAR_PWT), default=None)
        require(y_pwt, "PWT labsh/emp", iso)
        labsh, emp_millions = pwt_ok[y_pwt][:2]
        y_csh_g, csh_g = pick_year({y: v[2] for y, v in pwt[iso].items()}, REF_YEAR_PWT)
        require(csh_g, "PWT csh_g", iso)
        csh_c = pwt[iso].get(y_csh_g, (None,) * 4)[3]   # context in SOURCES.md only
        if not 0 < csh_g < 1:
            raise DataError("PWT csh_g out of (0, 1) for %s: %r" % (iso, csh_g))
        employment = emp_millions * 1e6
        pop_at_pwt_year = require(pop[iso].get(y_pwt), "population %d" % y_pwt, iso)
        employment_scaled = employment * population / pop_at_pwt_year
        wage = labsh * gdp_usd / employment_scaled

        if iso in ilo:
            y_inf, informality, inf_sources, inf_status = ilo[iso]
        elif iso in ILO_ABSENT:
            y_inf, informality, inf_sources, inf_status = None, None, [], []
        else:
            raise DataError("no ILO informality for %s (not an expected gap)" % iso)

        full = {y: v for y, v in wgi[iso].items()
                if y <= REF_YEAR_WGI and len(v) == len(WGI_INDICATORS)}
        y_wgi = max(full, default=None)
        require(y_wgi, "WGI (all six estimates)", iso)
        governance = sum(full[y_wgi][k] for k in WGI_INDICATORS) / len(WGI_INDICATORS)

        g = require(geo.get(iso), "geo_cepii cap==1 row", iso)
        lang1 = "" if g["langoff_1"].strip() == "." else g["langoff_1"].strip()
        lang2 = "" if g["langoff_2"].strip() == "." else g["langoff_2"].strip()
        name = require(names.get(iso), "name", iso)

        government_share = fmt(csh_g)
        shares, t_dev = demand_shares(float(fmt(gdp_ppp)), float(government_share))
        sse = sse_points(iso)
        coop = coop_points(iso)
        origin, _ = legal_facts.LEGAL_ORIGIN[iso]

        row = {
            "iso3": iso,
            "name": name,
            "population": str(int(round(population))),
            "gdp_usd": fmt(gdp_usd),
            "gdp_per_capita_usd": fmt(gdp_usd / population),
            "gdp_per_capita_ppp": fmt(gdp_ppp),
            "labour_share": fmt(labsh),
            "wage_per_worker_usd": fmt(wage),
            "employment": str(int(round(employment))),
            "informality": fmt(informality) if informality is not None else "",
            "governance": fmt_dec(governance, 4),
            "lang1": require(lang1 or None, "lang1", iso),
            "lang2": lang2,
            "continent": g["continent"].strip(),
            "government_share": government_share,
            "sse_maturity": fmt(sum(p for p, _ in sse.values()) / len(sse)),
            "coop_recognition": fmt(sum(p for p, _ in coop.values()) / len(coop)),
            "legal_family": legal_facts.ORIGIN_TO_FAMILY.get(origin, "civil"),
            "year_population": str(y_pop),
            "year_gdp": str(y_gdp),
            "year_informality": str(y_inf) if y_inf is not None else "",
        }
        row.update(("demand_" + s, shares[s]) for s in SECTORS)
        rows.append(row)
        m.update(y_ppp=y_ppp, y_pwt=y_pwt, y_csh_g=y_csh_g, csh_c=csh_c, t_dev=t_dev,
                 sse=sse, coop=coop, y_wgi=y_wgi, inf_sources=inf_sources,
                 inf_status=inf_status, n_inf_sources=len(inf_sources),
                 geo_city=g["city_en"], geo_country=g["country"])
        meta[iso] = m
    return rows, meta


def derive_pairs(data_dir, country_rows):
    dist = load_dist(data_dir)
    ppp = {r["iso3"]: float(r["gdp_per_capita_ppp"]) for r in country_rows}
    gov = {r["iso3"]: float(r["governance"]) for r in country_rows}
    coop = {r["iso3"]: float(r["coop_recognition"]) for r in country_rows}
    family = {r["iso3"]: r["legal_family"] for r in country_rows}
    eu = set(legal_facts.EU_MEMBERS)

    base = {}
    distw_fallbacks = []
    for o in COUNTRIES:
        for d in COUNTRIES:
            row = dist.get((o, d))
            if row is None:
                raise DataError("dist_cepii: no row %s->%s" % (o, d))
            dist_km = require(to_float(row["dist"]), "dist", o + "-" + d)
            distw = to_float(row["distw"])
            if distw is None:
                distw = dist_km
                distw_fallbacks.append((o, d))
            flags = {k: int(row[k]) for k in
                     ("contig", "comlang_off", "comlang_ethno", "colony", "comcol", "smctry")}
            base[(o, d)] = dict(dist_km=fmt(dist_km), distw_km=fmt(distw), **flags)

    off = [(o, d) for o in COUNTRIES for d in COUNTRIES if o != d]
    max_log_distw = max(math.log(float(base[p]["distw_km"])) for p in off)
    max_dev = max(abs(math.log(ppp[o]) - math.log(ppp[d])) for o, d in off)
    max_gov = max(abs(gov[o] - gov[d]) for o, d in off)

    asym = []
    out = []
    for o in COUNTRIES:
        for d in COUNTRIES:
            b = base[(o, d)]
            r = base[(d, o)]
            for k in ("contig", "comlang_off", "comlang_ethno", "colony", "comcol", "smctry"):
                if b[k] != r[k] and o < d:
                    asym.append((o, d, k, b[k], r[k]))
            if o == d:
                pd = 0.0
            else:
                def sym(k):
                    return max(b[k], r[k])
                colonial = max(sym("colony"), sym("comcol"), sym("smctry"))
                # symmetric geographic term: mean of the two (near-identical) rows
                lg = 0.5 * (math.log(float(b["distw_km"])) + math.log(float(r["distw_km"])))
                pd = (W_COMLANG_OFF * (1 - sym("comlang_off"))
                      + W_COMLANG_ETHNO * (1 - sym("comlang_ethno"))
                      + W_COLONIAL * (1 - colonial)
                      + W_CONTIG * (1 - sym("contig"))
                      + W_GEO * lg / max_log_distw
                      + W_DEVELOPMENT * abs(math.log(ppp[o]) - math.log(ppp[d])) / max_dev
                      + W_GOVERNANCE * abs(gov[o] - gov[d]) / max_gov)
                pd = min(1.0, pd)
            row = {"iso_o": o, "iso_d": d}
            row.update({k: str(v) for k, v in b.items()})
            row["psychic_distance"] = fmt(pd)
            if o == d or (o in eu and d in eu):
                compat = 1.0
            else:
                compat = min(coop[o], coop[d]) * (
                    LEGAL_COMPAT_SAME_FAMILY if family[o] == family[d]
                    else LEGAL_COMPAT_OTHER_FAMILY)
            row["legal_compat"] = fmt(compat)
            out.append(row)
    info = dict(max_distw=math.exp(max_log_distw), max_dev=max_dev, max_gov=max_gov,
                distw_fallbacks=distw_fallbacks, asym=asym)
    return out, info


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------

def write_csv(path, columns, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow(row)


def years_text(meta, key, ref):
    """'2022' if all countries use ref, else '2022 (except XXX: 2021, ...)'."""
    exceptions = ["%s: %s" % (iso, meta[iso][key]) for iso in COUNTRIES
                  if meta[iso][key] != ref]
    if not exceptions:
        return "%d (all %d)" % (ref, len(COUNTRIES))
    return "%d, except %s" % (ref, "; ".join(exceptions))


def row_years(rows, col, ref):
    exceptions = ["%s: %s" % (r["iso3"], r[col] or "none") for r in rows
                  if r[col] != str(ref)]
    if not exceptions:
        return "%d (all %d)" % (ref, len(COUNTRIES))
    return "%d, except %s" % (ref, "; ".join(exceptions))


def points_text(points):
    return "%g" % points


def sources_md_new_country_columns(a, rows, meta):
    """SOURCES.md sections for government_share, demand_*, sse_maturity,
    coop_recognition and legal_family."""
    by = {r["iso3"]: r for r in rows}
    a("### government_share")
    a("")
    a("Penn World Table 10.01 `csh_g`: share of government consumption in output-side")
    a("real GDP at current PPPs (CGDPo), %s.  In PWT the shares csh_c, csh_i, csh_g," % years_text(meta, "y_csh_g", REF_YEAR_PWT))
    a("csh_x, csh_m and csh_r sum to 1, each component valued at its own PPP price")
    a("level, so csh_g differs from the share at national prices (WDI NE.CON.GOVT.ZS,")
    a("not shipped).  The model uses it for the size of public tenders.")
    a("")
    a("### Sector demand shares: demand_agri_food, demand_manufacturing, demand_services, demand_platform_logistics, demand_education (ASSUMPTION)")
    a("")
    a("No sector data file is shipped, so the split of each country's final demand")
    a("(GDP) among the model's five sectors is **an assumption of ssesim**, made by")
    a("the rule below from two shipped figures: y = gdp_per_capita_ppp and")
    a("g = government_share, both as written in `countries.csv`.  The coefficients")
    a("were chosen by hand to match the stylised facts cited; they are not estimates.")
    a("")
    a("```")
    a("t                  = clamp(ln(y / %s) / ln(%s / %s), 0, 1)" % (
        fmt(DEMAND_Y_LO), fmt(DEMAND_Y_HI), fmt(DEMAND_Y_LO)))
    a("agri_food          = %s - %s * t" % (fmt(AGRI_LO), fmt(AGRI_LO - AGRI_HI)))
    a("education          = %s + %s * g" % (fmt(EDU_BASE), fmt(EDU_PER_GOV)))
    a("platform_logistics = %s" % fmt(LOGISTICS_SHARE))
    a("rest               = 1 - agri_food - education - platform_logistics")
    a("services           = (%s + %s * t) * rest" % (fmt(SERV_FRAC_LO), fmt(SERV_FRAC_HI - SERV_FRAC_LO)))
    a("manufacturing      = rest - services")
    a("```")
    a("")
    ts = sorted((meta[i]["t_dev"], i) for i in COUNTRIES)
    a("- **t** is a development index, linear in log GDP per capita (PPP, current")
    a("  international $, 2022): 0 at a low-income anchor of %s $ and 1 at a" % fmt(DEMAND_Y_LO))
    a("  high-income anchor of %s $.  Among the %d it runs from %.4f (%s) to %.4f (%s);" % (
        fmt(DEMAND_Y_HI), len(COUNTRIES), ts[0][0], ts[0][1], ts[-1][0], ts[-1][1]))
    a("  the clamp only matters for other countries.")
    csh_c = sorted((meta[i]["csh_c"], i) for i in COUNTRIES if meta[i]["csh_c"] is not None)
    a("- **agri_food** falls with log income: Engel's law (Engel 1857; Houthakker,")
    a("  H. S. (1957), 'An International Comparison of Household Expenditure")
    a("  Patterns, Commemorating the Centenary of Engel's Law', Econometrica 25(4),")
    a("  532-551).  Stylised fact: food takes about 40-50% of household budgets in")
    a("  low-income countries and about 10% in high-income ones.  Final demand also")
    a("  holds government consumption and investment, which buy little food, so the")
    a("  anchors are a budget share times a household-consumption share of GDP:")
    a("  %s ~ 0.45 x 0.78 at t = 0 and %s ~ 0.10 x 0.70 at t = 1 (PWT `csh_c` 2019" % (
        fmt(AGRI_LO), fmt(AGRI_HI)))
    a("  runs from %s (%s) to %s (%s) among the %d).  The sector is food and" % (
        fmt(csh_c[0][0]), csh_c[0][1], fmt(csh_c[-1][0]), csh_c[-1][1], len(COUNTRIES)))
    a("  beverages bought by final users (farm and processed); meals out are services.")
    a("- **education** = %s of private (household) spending plus %s of government" % (
        fmt(EDU_BASE), fmt(EDU_PER_GOV)))
    a("  consumption: public education spending is of the order of 4-5% of GDP in")
    a("  most countries (UNESCO UIS, WDI SE.XPD.TOTL.GD.ZS: not shipped, not used),")
    a("  mostly government consumption (teachers' pay).  It thus scales with")
    a("  government_share, whose PPP basis (above) it inherits.")
    a("- **platform_logistics** is a constant %s: transport, storage, postal and" % fmt(LOGISTICS_SHARE))
    a("  courier activities (ISIC Rev.4 section H) are of the order of 3-6% of value")
    a("  added in most economies; the sector also holds delivery platforms")
    a("  (CoopCycle).  No data is shipped, so no cross-country variation is assumed.")
    a("- **services** take a share of the rest that rises with income, from %s at" % fmt(SERV_FRAC_LO))
    a("  t = 0 to %s at t = 1: the structural change from goods to services (Clark" % fmt(SERV_FRAC_HI))
    a("  1940; Kuznets 1966; Herrendorf, Rogerson & Valentinyi (2014), 'Growth and")
    a("  Structural Transformation', Handbook of Economic Growth 2, 855-941).")
    a("  **manufacturing** is what remains: all goods other than food, including")
    a("  energy, construction and equipment bought for investment.")
    a("- Rounding: each share is rounded to %d decimals (half up); the largest then" % SHARE_DECIMALS)
    a("  absorbs the remainder (at most a few units of the last decimal), so every")
    a("  row sums to exactly 1.  Unrounded t and rest are used.")
    a("- Not modelled: input-output linkages, the split of demand between domestic")
    a("  and foreign suppliers (the model does that), differences in tastes beyond")
    a("  income.  Vary the coefficients in sensitivity analyses.")
    a("")
    a("Worked examples (values as written in `countries.csv`):")
    a("")
    a("| iso3 | gdp_per_capita_ppp | government_share | t | %s |" % " | ".join(SECTORS))
    a("|---|---|---|---|%s" % ("---|" * len(SECTORS)))
    for iso in ("BFA", "IND", "MEX", "FRA", "USA"):
        r = by[iso]
        a("| %s | %s | %s | %.4f | %s |" % (iso, r["gdp_per_capita_ppp"], r["government_share"],
                                           meta[iso]["t_dev"],
                                           " | ".join(r["demand_" + s] for s in SECTORS)))
    a("")
    a("### sse_maturity (ASSUMPTION)")
    a("")
    a("No data set measures the maturity of the social and solidarity economy (SSE)")
    a("ecosystem by country (`../shared/data/world/SOURCES.md`).  sse_maturity is")
    a("therefore **an assumption of ssesim**: a points score over legal and")
    a("institutional facts, as they stood on %s (later laws are noted but" % legal_facts.CUTOFF)
    a("score nothing).  It measures recognition in law and public bodies, not the")
    a("size, funding or de facto strength of the SSE.")
    a("")
    a("```")
    a("sse_maturity = (A + B + C + D) / 4,   each criterion 0, 0.5 or 1")
    a("```")
    a("")
    for k, text in legal_facts.SSE_CRITERIA:
        a("- **%s**: %s." % (k, text))
    a("")
    a("Where a fact could not be checked with confidence the lower value was scored")
    a("and the cell says \"conservative\".  The facts are in `tools/world/legal_facts.py`.")
    a("")
    a("| iso3 | A | B | C | D | sse_maturity | notes |")
    a("|---|---|---|---|---|---|---|")
    for r in rows:
        sse = meta[r["iso3"]]["sse"]
        cells = ["%s: %s" % (points_text(p), f) for p, f in (sse[k] for k, _ in legal_facts.SSE_CRITERIA)]
        a("| %s | %s | %s | %s |" % (r["iso3"], " | ".join(cells), r["sse_maturity"],
                                     legal_facts.SSE[r["iso3"]]["note"] or "--"))
    a("")
    a("### coop_recognition (ASSUMPTION)")
    a("")
    a("Legal recognition of co-operatives and SSE legal forms: how easily a co-op")
    a("can be set up and operate as such.  Same approach, cut-off date and")
    a("conventions as sse_maturity; **an assumption of ssesim**, not data.")
    a("")
    a("```")
    a("coop_recognition = (R1 + R2 + R3) / 3,   each criterion 0, 0.5 or 1")
    a("```")
    a("")
    for k, text in legal_facts.COOP_CRITERIA:
        a("- **%s**: %s." % (k, text))
    a("")
    a("| iso3 | R1 | R2 | R3 | coop_recognition |")
    a("|---|---|---|---|---|")
    for r in rows:
        coop = meta[r["iso3"]]["coop"]
        cells = ["%s: %s" % (points_text(p), f) for p, f in (coop[k] for k, _ in legal_facts.COOP_CRITERIA)]
        a("| %s | %s | %s |" % (r["iso3"], " | ".join(cells), r["coop_recognition"]))
    a("")
    a("### legal_family")
    a("")
    a("From the legal-origin classification of La Porta, Lopez-de-Silanes & Shleifer")
    a("(2008), 'The Economic Consequences of Legal Origins', Journal of Economic")
    a("Literature 46(2), 285-332: English common-law origin -> `common`; French,")
    a("German or Scandinavian civil-law origin -> `civil`.  Mixed systems inside a")
    a("country are noted; the country keeps its origin.")
    a("")
    a("| iso3 | legal origin (La Porta et al. 2008) | legal_family | note |")
    a("|---|---|---|---|")
    for r in rows:
        origin, note = legal_facts.LEGAL_ORIGIN[r["iso3"]]
        a("| %s | %s | %s | %s |" % (r["iso3"], origin, r["legal_family"], note or "--"))
    a("")


def sources_md(data_dir, rows, meta, pair_info):
    L = []
    a = L.append
    a("# Default world: provenance of `countries.csv` and `pairs.csv`")
    a("")
    a("GENERATED FILE -- do not edit by hand.  Written by `tools/world/derive_world.py`")
    a("together with the two tables (legal facts: `tools/world/legal_facts.py`); edit")
    a("the script or the facts and rerun it instead.")
    a("")
    a("## Regenerate")
    a("")
    a("From the repository root (raw data expected in `../shared/data/world/`,")
    a("override with `--data DIR`; output directory `--out DIR`, default `scenarios/world`):")
    a("")
    a("```")
    a(REGEN_COMMAND)
    a(TEST_COMMAND)
    a("```")
    a("")
    a("The raw files are not copied into the project.  Their provenance (origin")
    a("repositories and commits) is in `../shared/data/world/SOURCES.md`.  The files")
    a("read, with their SHA-256 at the time these tables were generated:")
    a("")
    a("| raw file | SHA-256 |")
    a("|---|---|")
    for name in INPUT_FILES:
        a("| `%s` | `%s` |" % (name, sha256(os.path.join(data_dir, name))))
    a("")
    a("## Countries")
    a("")
    a("%d countries, in this order: %s." % (len(COUNTRIES), " ".join(COUNTRIES)))
    a("")
    a("## `countries.csv`")
    a("")
    a("| column | publisher | series / field | year | unit | licence |")
    a("|---|---|---|---|---|---|")
    wb = "CC BY 4.0"
    a("| iso3 | ISO 3166-1 alpha-3 | -- | -- | code | -- |")
    a("| name | ISO 3166 / UN (via datasets/country-codes) | `official_name_en` | current | text | ODC-PDDL-1.0 |")
    a("| population | World Bank, WDI | SP.POP.TOTL | %s; see year_population | persons | %s |"
      % (row_years(rows, "year_population", REF_YEAR_WB), wb))
    a("| gdp_usd | World Bank, WDI | NY.GDP.MKTP.CD | %s; see year_gdp | current US$ | %s |"
      % (row_years(rows, "year_gdp", REF_YEAR_WB), wb))
    a("| gdp_per_capita_usd | derived: gdp_usd / population | NY.GDP.MKTP.CD / SP.POP.TOTL | as year_gdp | current US$ per person | %s |" % wb)
    a("| gdp_per_capita_ppp | World Bank, WDI | NY.GDP.PCAP.PP.CD | %s | current international $ per person | %s |"
      % (years_text(meta, "y_ppp", REF_YEAR_WB), wb))
    a("| labour_share | Groningen Growth and Development Centre, Penn World Table 10.01 | `labsh` | %s | share of GDP (0..1) | CC BY 4.0 |"
      % years_text(meta, "y_pwt", REF_YEAR_PWT))
    a("| wage_per_worker_usd | derived (PWT 10.01 + WDI) | labsh x NY.GDP.MKTP.CD / (emp x SP.POP.TOTL[year_population] / SP.POP.TOTL[PWT year]) | GDP and population as year_gdp/year_population; labsh and emp as labour_share | current US$ per person engaged per year | CC BY 4.0 (both) |")
    a("| employment | Penn World Table 10.01 | `emp` x 10^6 | %s | persons engaged | CC BY 4.0 |"
      % years_text(meta, "y_pwt", REF_YEAR_PWT))
    a("| informality | International Labour Organization, ILOSTAT | EMP_NIFL_SEX_RT_A (Sex: Total) / 100 | latest available, see year_informality | fraction of employment (0..1) | CC BY 4.0 |")
    a("| governance | World Bank, Worldwide Governance Indicators (2024 update) | mean of the estimates va, pv, ge, rq, rl, cc | %s | WGI estimate (about -2.5..2.5), 4 decimals | %s |"
      % (years_text(meta, "y_wgi", REF_YEAR_WGI), wb))
    a("| lang1, lang2 | CEPII, GeoDist `geo_cepii` (capital row, cap == 1) | `langoff_1`, `langoff_2` | static (2011 release) | language name; empty = none | Etalab Open Licence 2.0 |")
    a("| continent | CEPII, GeoDist `geo_cepii` | `continent` | static | Europe / America / Asia / Africa / Pacific | Etalab Open Licence 2.0 |")
    a("| government_share | Groningen Growth and Development Centre, Penn World Table 10.01 | `csh_g` (share of government consumption in output-side real GDP at current PPPs, CGDPo) | %s | share of GDP (0..1) | CC BY 4.0 |"
      % years_text(meta, "y_csh_g", REF_YEAR_PWT))
    a("| %s | ssesim ASSUMPTION (rule below) from gdp_per_capita_ppp (WDI NY.GDP.PCAP.PP.CD) and government_share (PWT `csh_g`) | -- | as inputs | share of final demand (0..1), %d decimals, sum = 1 per row | ASSUMPTION |"
      % (", ".join("demand_" + s for s in SECTORS), SHARE_DECIMALS))
    a("| sse_maturity | ssesim ASSUMPTION (points rule below) from laws and public bodies listed per country | -- | state on %s | index 0..1 | ASSUMPTION |" % legal_facts.CUTOFF)
    a("| coop_recognition | ssesim ASSUMPTION (points rule below) from co-operative laws listed per country | -- | state on %s | index 0..1 | ASSUMPTION |" % legal_facts.CUTOFF)
    a("| legal_family | La Porta, Lopez-de-Silanes & Shleifer (2008), legal origins | English origin -> `common`; French, German, Scandinavian -> `civil` | -- | common / civil | -- (facts from a published classification) |")
    a("| year_population, year_gdp, year_informality | -- | year of the figure actually used | -- | year | -- |")
    a("")
    a("Numbers are rounded to 6 significant digits (governance: 4 decimals);")
    a("population and employment are whole persons.")
    a("")
    a("### Formula of wage_per_worker_usd")
    a("")
    a("```")
    a("wage_per_worker_usd = labour_share[2019] * gdp_usd[2022]")
    a("                      / (employment[2019] * population[2022] / population[2019])")
    a("```")
    a("")
    a("Years shown are the reference years; the years actually used are in the table")
    a("above.  Population in both the numerator and denominator of the scaling factor")
    a("is WB SP.POP.TOTL.  Assumptions: the employment-to-population ratio and the")
    a("labour share did not change between 2019 and 2022.  PWT's \"persons engaged\"")
    a("includes the self-employed and `labsh` includes an imputed labour part of")
    a("mixed income, so this is average labour compensation per worker, not an")
    a("employee wage.  Unrounded inputs are used.")
    a("")
    a("### Informality: sources used")
    a("")
    a("Latest year with a Sex: Total observation.  When several survey sources give")
    a("that year, the unweighted mean is used (n = number of sources averaged).")
    a("")
    a("| iso3 | year | value (fraction) | n | ILO source label(s) | status |")
    a("|---|---|---|---|---|---|")
    for r in rows:
        m = meta[r["iso3"]]
        if r["informality"]:
            a("| %s | %s | %s | %d | %s | %s |" % (
                r["iso3"], r["year_informality"], r["informality"], m["n_inf_sources"],
                "; ".join(m["inf_sources"]), "; ".join(m["inf_status"]) or "--"))
        else:
            a("| %s | -- | EMPTY | 0 | not in the ILO file | ASSUMPTION REQUIRED |" % r["iso3"])
    a("")
    a("Caution: the European figures (ESP, FRA, ITA, GBR, NLD, BEL, DEU, PRT) come")
    a("from EU-SILC micro-data processed by the ILO and are much lower (1-9 %) than")
    a("figures in other sources; the series also jumps between years (e.g. ESP 2007 vs")
    a("2008, GBR 2009 vs 2010).  ARG is urban only (main cities).")
    flagged = ["%s %s (%s)" % (r["iso3"], r["year_informality"], "; ".join(meta[r["iso3"]]["inf_status"]))
               for r in rows if meta[r["iso3"]]["inf_status"]]
    if flagged:
        a("Flagged by the ILO: %s." % ", ".join(flagged))
    old_years = ["%s (%s)" % (r["iso3"], r["year_informality"]) for r in rows
                 if r["year_informality"] and int(r["year_informality"]) < REF_YEAR_WB]
    if old_years:
        a("Older than the %d reference year: %s." % (REF_YEAR_WB, ", ".join(old_years)))
    a("")
    sources_md_new_country_columns(a, rows, meta)
    a("## `pairs.csv`")
    a("")
    a("One row per ordered pair (iso_o, iso_d) of the %d countries, diagonal included:" % len(COUNTRIES))
    a("%d rows, origin-major in the country order above." % len(COUNTRIES) ** 2)
    a("")
    a("| column | publisher | field of `dist_cepii.csv` | year | unit | licence |")
    a("|---|---|---|---|---|---|")
    cep = "CEPII, GeoDist (Mayer & Zignago 2011)"
    et = "Etalab Open Licence 2.0"
    a("| iso_o, iso_d | %s | `iso_o`, `iso_d` | -- | ISO3 code | %s |" % (cep, et))
    a("| dist_km | %s | `dist` (between most populated cities; diagonal: internal distance) | static (2011 release) | km | %s |" % (cep, et))
    fb = ", ".join("%s-%s" % p for p in pair_info["distw_fallbacks"]) or "none among the %d" % len(COUNTRIES)
    a("| distw_km | %s | `distw` (population-weighted), or `dist` where `distw` is '.' (fallbacks: %s) | static | km | %s |" % (cep, fb, et))
    a("| contig | %s | `contig` | static | 0/1 | %s |" % (cep, et))
    a("| comlang_off | %s | `comlang_off` | static | 0/1 | %s |" % (cep, et))
    a("| comlang_ethno | %s | `comlang_ethno` (language spoken by >= 9%% of both) | static | 0/1 | %s |" % (cep, et))
    a("| colony | %s | `colony` (ever in a colonial relationship) | static | 0/1 | %s |" % (cep, et))
    a("| comcol | %s | `comcol` (common coloniser after 1945) | static | 0/1 | %s |" % (cep, et))
    a("| smctry | %s | `smctry` (were or are the same country) | static | 0/1 | %s |" % (cep, et))
    a("| psychic_distance | ssesim (derived; see below) | composite of the columns above, gdp_per_capita_ppp and governance | as inputs | index 0..1 | ASSUMPTION (weights) |")
    a("| legal_compat | ssesim (derived; see below) | EU membership (Council Regulation (EC) No 1435/2003), coop_recognition and legal_family | state on %s | index 0..1 | ASSUMPTION (rule) |" % legal_facts.CUTOFF)
    a("")
    a("Distances are rounded to 6 significant digits; the flags are copied unchanged.")
    a("Note: in CEPII, `BEL` stands for **Belgium and Luxembourg** together; the")
    a("World Bank, PWT, WGI and ILO figures for BEL in `countries.csv` are Belgium only.")
    a("CEPII (geo_cepii, dist_cepii) and the WGI file key %s by the old codes %s; they are" % (
        ", ".join(OLD_CODE_TO_ISO3.values()), ", ".join(OLD_CODE_TO_ISO3)))
    a("read as the ISO 3166 code.")
    a("The CEPII diagonal (origin == destination) carries its internal distance and")
    a("0 flags; psychic_distance is set to 0 there.")
    if pair_info["asym"]:
        a("Asymmetric flags in the raw data (kept as is in the table): " + "; ".join(
            "%s %s->%s = %s but %s->%s = %s" % (k, o, d, v1, d, o, v2)
            for o, d, k, v1, v2 in pair_info["asym"]) + ".")
    a("")
    a("### psychic_distance (ASSUMPTION)")
    a("")
    a("A composite of \"psychic distance stimuli\" after Dow & Karunaratna (2006),")
    a("built only from the data above: 1 minus the weighted share of stimuli the two")
    a("countries have in common.  The weights are **an assumption of ssesim, chosen by")
    a("hand, not an estimate**; vary them in sensitivity analyses.")
    a("")
    a("```")
    a("pd(o,d) = %.2f * (1 - comlang_off)" % W_COMLANG_OFF)
    a("        + %.2f * (1 - comlang_ethno)" % W_COMLANG_ETHNO)
    a("        + %.2f * (1 - max(colony, comcol, smctry))" % W_COLONIAL)
    a("        + %.2f * (1 - contig)" % W_CONTIG)
    a("        + %.2f * ln(distw_km) / ln(%s)" % (W_GEO, fmt(pair_info["max_distw"])))
    a("        + %.2f * |ln ppp_o - ln ppp_d| / %s" % (W_DEVELOPMENT, fmt(pair_info["max_dev"])))
    a("        + %.2f * |gov_o - gov_d| / %s" % (W_GOVERNANCE, fmt(pair_info["max_gov"])))
    a("pd(o,o) = 0")
    a("```")
    a("")
    a("ppp = gdp_per_capita_ppp, gov = governance, as written in `countries.csv`; the")
    a("denominators are the maxima over the 650 off-diagonal pairs (largest distw_km,")
    a("largest log-PPP gap, largest governance gap).  The binary flags are")
    a("symmetrised (maximum of the two directions) and ln(distw_km) is averaged over")
    a("the two directions, so pd is symmetric.  Weights sum to 1, so pd lies in (0, 1]")
    a("off the diagonal.  No culture-dimension data (e.g. Hofstede) is used.")
    a("")
    a("### legal_compat (ASSUMPTION)")
    a("")
    a("Legal compatibility for co-operatives between origin and destination: how")
    a("far a co-operative of one country can operate as a co-operative in the other.")
    a("The rule is an assumption of ssesim; its inputs are facts.")
    a("")
    a("```")
    a("legal_compat(o,o) = 1")
    a("legal_compat(o,d) = 1   if o and d are both EU member states on %s" % legal_facts.CUTOFF)
    a("                  = min(cr_o, cr_d) * %.1f   if legal_family_o == legal_family_d"
      % LEGAL_COMPAT_SAME_FAMILY)
    a("                  = min(cr_o, cr_d) * %.1f   otherwise" % LEGAL_COMPAT_OTHER_FAMILY)
    a("```")
    a("")
    a("cr = coop_recognition, as written in `countries.csv`.  EU members among the %d" % len(COUNTRIES))
    a("on %s: %s." % (legal_facts.CUTOFF, " ".join(legal_facts.EU_MEMBERS)))
    a("Between them a co-operative can take the form of a European")
    a("Cooperative Society (SCE) under Council Regulation (EC) No 1435/2003 of 22 July")
    a("2003 on the Statute for a European Cooperative Society (with Council Directive")
    a("2003/72/EC on employee involvement), which applies in every member state;")
    a("GBR left the EU on 31 January 2020 and is treated as a non-member.  Outside")
    a("the EU, a co-operative is assumed to be only as portable as the weaker of the")
    a("two countries' recognition allows (the minimum), and a difference in legal")
    a("family (common vs civil law) is assumed to cut compatibility by %.0f%% (factor %.1f, a" % (
        100 * (1 - LEGAL_COMPAT_OTHER_FAMILY), LEGAL_COMPAT_OTHER_FAMILY))
    a("round number chosen by hand, not an estimate: vary it).  The rule is symmetric.")
    a("It ignores bilateral treaties, how little the SCE form is used in practice, and")
    a("the cost of converting a foreign unit into a local co-op.")
    a("")
    a("## Assumptions and gaps (not data)")
    a("")
    a("- psychic_distance: the weights above are an ssesim assumption.")
    a("- demand_*: sector shares of final demand come from a rule with hand-chosen")
    a("  coefficients (see \"Sector demand shares\"); no sector data is shipped.")
    a("- sse_maturity, coop_recognition: points rules over legal facts, no data set;")
    a("  they measure recognition in law and public bodies, not the size or strength")
    a("  of the SSE.  legal_compat: a rule over them, EU membership and legal family.")
    a("- informality is EMPTY for %s: the ILO file has no informal-employment"
      % ", ".join(ILO_ABSENT))
    a("  rate for them.  Empty means \"assumption required\": a scenario must set it")
    a("  explicitly.  No number is invented here.")
    a("- wage_per_worker_usd assumes an unchanged labour share and employment-to-")
    a("  population ratio from the PWT year (2019) to the WB reference year (2022).")
    a("- BEL in the CEPII columns is Belgium + Luxembourg (see above).")
    a("- No data set gives the size of the cooperative or social economy by country")
    a("  (see DOMAIN.md section 5); no such size is in these tables.")
    a("")
    a("## Licences and attribution")
    a("")
    a("The tables are adaptations (selection of years and countries, ratios, means,")
    a("rounding, the composite psychic_distance and the rule-based demand shares).")
    a("None of the publishers below")
    a("endorses ssesim or these derived figures.")
    a("")
    a("- **World Bank** (CC BY 4.0, https://creativecommons.org/licenses/by/4.0/):")
    a("  \"The World Bank: World Development Indicators: SP.POP.TOTL, NY.GDP.MKTP.CD,")
    a("  NY.GDP.PCAP.PP.CD.\"  and  \"The World Bank: Worldwide Governance Indicators,")
    a("  2024 update (Kaufmann & Kraay, www.govindicators.org).\"  Changes were made:")
    a("  years selected, ratios and means computed, values rounded.")
    a("- **International Labour Organization** (CC BY 4.0): \"Source: International")
    a("  Labour Organization, ILOSTAT database, Informal employment rate by sex (%)")
    a("  (EMP_NIFL_SEX_RT_A), downloaded 2024-07-26, https://ilostat.ilo.org/data/.\"")
    a("  This is an adaptation of an original work by the ILO (latest year selected,")
    a("  sources averaged, divided by 100); the views and opinions in the adaptation")
    a("  are the sole responsibility of its authors and are not endorsed by the ILO.")
    a("- **Penn World Table 10.01** (CC BY 4.0), Groningen Growth and Development")
    a("  Centre: \"Feenstra, Robert C., Robert Inklaar and Marcel P. Timmer (2015),")
    a("  'The Next Generation of the Penn World Table', American Economic Review,")
    a("  105(10), 3150-3182, available for download at www.ggdc.net/pwt\"")
    a("  (DOI 10.34894/QT5BCC).  Changes: year selected, emp converted to persons,")
    a("  combined with World Bank data; csh_g also drives the education demand share.")
    a("- **CEPII GeoDist** (Etalab Open Licence 2.0,")
    a("  https://www.etalab.gouv.fr/licence-ouverte-open-licence): \"Source: CEPII,")
    a("  GeoDist database (Mayer, T. & Zignago, S. (2011), Notes on CEPII's distances")
    a("  measures: the GeoDist Database, CEPII Working Paper 2011-25); date of last")
    a("  update of the data: 2011.\"  Changes: subset of %d countries, distances" % len(COUNTRIES))
    a("  rounded, distw -> dist fallback, composite psychic distance.")
    a("- **Country names**: datasets/country-codes (ISO 3166 / UN M49 compilation),")
    a("  ODC-PDDL-1.0 (public domain).")
    a("- **Legal texts** cited for sse_maturity, coop_recognition and legal_compat are")
    a("  statutes and official acts, cited for the facts they state; legal_family")
    a("  follows the classification of La Porta, R., Lopez-de-Silanes, F. & Shleifer,")
    a("  A. (2008), 'The Economic Consequences of Legal Origins', Journal of Economic")
    a("  Literature 46(2), 285-332.")
    a("")
    return "\n".join(L)


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--data", default=os.path.join(repo, "..", "shared", "data", "world"),
                   help="directory of the raw files (default: ../shared/data/world "
                        "relative to the repository root)")
    p.add_argument("--out", default=os.path.join(repo, "scenarios", "world"),
                   help="output directory (default: scenarios/world in the repository)")
    args = p.parse_args(argv)

    data_dir = os.path.normpath(args.data)
    if not os.path.isdir(data_dir):
        sys.exit("derive_world: raw data directory not found: %s" % data_dir)
    try:
        rows, meta = derive_countries(data_dir)
        pairs, pair_info = derive_pairs(data_dir, rows)
    except (DataError, KeyError, ValueError) as exc:
        sys.exit("derive_world: %s" % exc)

    os.makedirs(args.out, exist_ok=True)
    write_csv(os.path.join(args.out, "countries.csv"), COUNTRY_COLUMNS, rows)
    write_csv(os.path.join(args.out, "pairs.csv"), PAIR_COLUMNS, pairs)
    with open(os.path.join(args.out, "SOURCES.md"), "w", encoding="utf-8", newline="\n") as fh:
        fh.write(sources_md(data_dir, rows, meta, pair_info))
    print("derive_world: wrote %d countries and %d pairs to %s"
          % (len(rows), len(pairs), args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
