"""Checks of the committed default-world tables in scenarios/world/.

Run from the repository root:  /usr/bin/python3 -m pytest -q tests/world
Standard library + pytest only.
"""

import csv
import math
import os
import subprocess
import sys

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORLD = os.path.join(REPO, "scenarios", "world")
SCRIPT = os.path.join(REPO, "tools", "world", "derive_world.py")
RAW_DATA = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "world"))

COUNTRIES = ("ESP FRA ITA GBR NLD BEL DEU PRT CAN USA MEX BRA ARG PER COL "
             "IND KOR AUS SEN BFA KEN ZAF CHN JPN ECU NIC").split()
NO_INFORMALITY = {"CAN", "USA", "CHN", "JPN"}

COUNTRY_COLUMNS = [
    "iso3", "name", "population", "gdp_usd", "gdp_per_capita_usd",
    "gdp_per_capita_ppp", "labour_share", "wage_per_worker_usd", "employment",
    "informality", "governance", "lang1", "lang2", "continent",
    "year_population", "year_gdp", "year_informality",
]
PAIR_COLUMNS = [
    "iso_o", "iso_d", "dist_km", "distw_km", "contig", "comlang_off",
    "comlang_ethno", "colony", "comcol", "smctry", "psychic_distance",
]
FLAGS = ("contig", "comlang_off", "comlang_ethno", "colony", "comcol", "smctry")
OUTPUTS = ("countries.csv", "pairs.csv", "SOURCES.md")


def read(name):
    with open(os.path.join(WORLD, name), encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return reader.fieldnames, list(reader)


@pytest.fixture(scope="module")
def countries():
    header, rows = read("countries.csv")
    assert header == COUNTRY_COLUMNS
    return {r["iso3"]: r for r in rows}, rows


@pytest.fixture(scope="module")
def pairs():
    header, rows = read("pairs.csv")
    assert header == PAIR_COLUMNS
    return {(r["iso_o"], r["iso_d"]): r for r in rows}, rows


def num(text):
    value = float(text)
    assert math.isfinite(value), text
    return value


# --------------------------------------------------------------------------
# countries.csv
# --------------------------------------------------------------------------

def test_countries_in_order(countries):
    _, rows = countries
    assert [r["iso3"] for r in rows] == COUNTRIES


def test_no_unexpected_empty_cells(countries):
    _, rows = countries
    for r in rows:
        for col in COUNTRY_COLUMNS:
            if r[col] != "":
                continue
            if col in ("informality", "year_informality") and r["iso3"] in NO_INFORMALITY:
                continue
            if col == "lang2":   # second official language: most countries have none
                continue
            pytest.fail("empty %s for %s" % (col, r["iso3"]))
    for iso in NO_INFORMALITY:
        r = countries[0][iso]
        assert r["informality"] == "" and r["year_informality"] == "", iso


def test_country_numbers_plausible(countries):
    _, rows = countries
    for r in rows:
        iso = r["iso3"]
        pop = num(r["population"])
        assert r["population"].isdigit() and r["employment"].isdigit(), iso
        assert 1e5 < pop < 2e9, iso
        gdp = num(r["gdp_usd"])
        assert 1e9 < gdp < 1e14, iso
        gdppc = num(r["gdp_per_capita_usd"])
        assert 100 < gdppc < 200000, iso
        assert gdppc == pytest.approx(gdp / pop, rel=1e-4), iso
        assert 500 < num(r["gdp_per_capita_ppp"]) < 200000, iso
        assert 0 < num(r["labour_share"]) < 1, iso
        emp = num(r["employment"])
        assert 1e5 < emp < pop, iso
        wage = num(r["wage_per_worker_usd"])
        assert 300 < wage < 250000, iso
        # wage = labsh * gdp / (emp scaled to the population growth since 2019):
        # the scaling is modest, so the unscaled ratio is within 15 %.
        assert wage == pytest.approx(num(r["labour_share"]) * gdp / emp, rel=0.15), iso
        if r["informality"] != "":
            assert 0 <= num(r["informality"]) <= 1, iso
            assert 2000 <= int(r["year_informality"]) <= 2024, iso
        gov = num(r["governance"])
        assert -2.5 <= gov <= 2.5, iso
        assert len(r["governance"].split(".")[1]) == 4, iso
        assert r["continent"] in {"Europe", "America", "Asia", "Africa", "Pacific"}, iso
        assert 2015 <= int(r["year_population"]) <= 2022, iso
        assert 2015 <= int(r["year_gdp"]) <= 2022, iso


def test_country_spot_values(countries):
    c, _ = countries
    assert 3.3e8 < num(c["USA"]["population"]) < 3.4e8
    assert c["USA"]["year_population"] == "2022"
    assert 1.40e9 < num(c["IND"]["population"]) < 1.45e9
    assert 2.0e13 < num(c["USA"]["gdp_usd"]) < 3.0e13
    assert 5e4 < num(c["USA"]["wage_per_worker_usd"]) < 1.5e5
    assert num(c["IND"]["informality"]) > 0.8
    assert num(c["FRA"]["informality"]) < 0.1
    assert num(c["NLD"]["governance"]) > 1.0 > -1.0 > num(c["NIC"]["governance"])
    assert c["ESP"]["lang1"] == "Spanish" and c["ESP"]["continent"] == "Europe"
    assert {c["BEL"]["lang1"], c["BEL"]["lang2"]} == {"Dutch", "French"}
    assert {c["CAN"]["lang1"], c["CAN"]["lang2"]} == {"English", "French"}
    assert c["AUS"]["continent"] == "Pacific"


# --------------------------------------------------------------------------
# pairs.csv
# --------------------------------------------------------------------------

def test_pairs_complete_and_ordered(pairs):
    p, rows = pairs
    assert len(rows) == 676
    assert [(r["iso_o"], r["iso_d"]) for r in rows] == [
        (o, d) for o in COUNTRIES for d in COUNTRIES]
    assert len(p) == 676


def test_pairs_no_empty_and_plausible(pairs):
    p, rows = pairs
    for r in rows:
        key = (r["iso_o"], r["iso_d"])
        for col in PAIR_COLUMNS:
            assert r[col] != "", (key, col)
        for col in FLAGS:
            assert r[col] in ("0", "1"), (key, col)
        dist = num(r["dist_km"])
        distw = num(r["distw_km"])
        assert 10 < dist < 20100 and 10 < distw < 20100, key
        pd = num(r["psychic_distance"])
        if r["iso_o"] == r["iso_d"]:
            assert pd == 0, key
        else:
            assert 0 < pd <= 1, key


def test_pairs_symmetry(pairs):
    p, _ = pairs
    for (o, d), r in p.items():
        back = p[(d, o)]
        assert num(r["dist_km"]) == pytest.approx(num(back["dist_km"]), rel=0.01), (o, d)
        assert num(r["distw_km"]) == pytest.approx(num(back["distw_km"]), rel=0.01), (o, d)
        for col in ("contig", "comlang_off", "comlang_ethno"):
            assert r[col] == back[col], (o, d, col)
        assert r["psychic_distance"] == back["psychic_distance"], (o, d)


def test_pairs_spot_values(pairs):
    p, _ = pairs
    assert p[("ESP", "FRA")]["contig"] == "1"
    assert p[("USA", "CAN")]["contig"] == "1"
    assert p[("ESP", "MEX")]["comlang_off"] == "1"
    assert p[("FRA", "SEN")]["colony"] == "1"
    assert p[("GBR", "IND")]["colony"] == "1"
    assert p[("ESP", "JPN")]["comlang_off"] == "0"
    assert 1000 < num(p[("ESP", "FRA")]["dist_km"]) < 1100
    # Spanish-speaking former colony is psychically closer than a non-Spanish one
    pd = {k: num(r["psychic_distance"]) for k, r in p.items()}
    assert pd[("ESP", "MEX")] < pd[("ESP", "JPN")]
    assert pd[("ESP", "ARG")] < pd[("ESP", "BRA")]
    assert pd[("FRA", "SEN")] < pd[("FRA", "KEN")]


# --------------------------------------------------------------------------
# provenance and reproducibility
# --------------------------------------------------------------------------

def test_sources_md_present():
    with open(os.path.join(WORLD, "SOURCES.md"), encoding="utf-8") as fh:
        text = fh.read()
    for needle in ("SP.POP.TOTL", "NY.GDP.MKTP.CD", "NY.GDP.PCAP.PP.CD", "labsh",
                   "EMP_NIFL_SEX_RT_A", "Worldwide Governance Indicators",
                   "CC BY 4.0", "Etalab Open Licence 2.0", "ASSUMPTION",
                   "/usr/bin/python3 tools/world/derive_world.py"):
        assert needle in text, needle


@pytest.mark.skipif(not os.path.isdir(RAW_DATA),
                    reason="raw data directory %s is absent: cannot regenerate the "
                           "tables to compare them" % RAW_DATA)
def test_script_reproduces_committed_tables(tmp_path):
    out = tmp_path / "world"
    subprocess.run([sys.executable, SCRIPT, "--data", RAW_DATA, "--out", str(out)],
                   check=True, capture_output=True)
    for name in OUTPUTS:
        with open(os.path.join(WORLD, name), "rb") as fh:
            committed = fh.read()
        regenerated = (out / name).read_bytes()
        assert regenerated == committed, "%s differs from a fresh run of %s" % (name, SCRIPT)
