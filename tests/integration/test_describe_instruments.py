"""`ssesim describe --instruments` lists every instrument type with its directions, flows,
meanings and SILK source, then every [[policy]] key of the registry."""
import re

from helpers import run


def test_describe_instruments():
    text = run("describe", "--instruments").stdout
    flat = " ".join(text.split())  # the output is wrapped: compare with whitespace collapsed
    sources = {
        "export_service": "SILK: Catalonia's ACCIÓ International Social Economy service",
        "trade_mission": "SILK: the Netherlands' in- and outgoing impact trade missions combined with conferences",
        "trade_agreement": "SILK lessons: SSE in trade and association agreements, missing almost everywhere",
        "capacity_building": "SILK: Scotland's Social Enterprise Strategy 2016-2026",
        "development_grant": "SILK: Korea's KOICA Creative Technology Solution programme",
        "model_adoption": "SILK: Mexico's Rodando Juntas (CoopCycle adopted by courier collectives; ITDP 50%, IDB 50%)",
        "patient_capital": "DOMAIN.md section 4: long-lasting (patient) support and financing as a barrier",
        "legal_recognition": "SILK lessons and DOMAIN.md section 5: legal recognition of co-operatives differs by country",
    }
    headings = re.findall(r"(?m)^(\w+)\n  directions", text)
    assert headings == list(sources), headings  # every type, in the order of model::instrument_info
    for source in sources.values():
        assert f"source {source}" in flat, source
    assert "trade_mission directions inward, outward, both (default) flows goods (default), finance, intangibles" in flat
    assert "trade_agreement directions both (default) flows goods (default) spends no:" in flat
    assert "model_adoption directions inward (default)" in flat
    assert "unit_cost US$ per participation (travel, fees)" in flat
    assert "patient_capital directions outward (default) flows finance (default) spends yes" in flat
    assert "legal_recognition directions both (default)" in flat
    assert "unit_cost US$: the most one organisation may borrow" in flat
    # export_service, trade_agreement, development_grant, legal_recognition
    assert flat.count("unit_cost not used by this type") == 4
    assert all(len(line) <= 80 for line in text.splitlines()), "lines wrapped at 80 characters"
    # then every [[policy]] key of the registry, with unit, default and meaning
    keys = re.findall(r"\| `policy\[\]\.(\w+)` \|", run("describe").stdout)
    assert len(keys) == 15, keys  # type ... funder_shares
    common = text.split("Fields common to every instrument")[1]
    assert re.findall(r"(?m)^(\w+)\n  unit", common) == keys
    assert "budget unit USD/year default 0.0" in " ".join(common.split())
    assert "start unit year default required" in " ".join(common.split())
    # --format does not apply to it
    proc = run("describe", "--instruments", "--format", "toml", check=False)
    assert proc.returncode == 2 and "--format does not apply" in proc.stderr
