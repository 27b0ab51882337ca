"""Indicator definitions, seeding, and `lueckenlos import-indicators`."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from lueckenlos.monitoring.imports import parse_value
from lueckenlos.monitoring.models import Indicator, IndicatorValue, ValueBatch
from lueckenlos.monitoring.services import STANDARD_INDICATORS, Definition, seed_indicators

DAY = dt.date(2022, 12, 31)


@pytest.fixture
def indicators(marzahn):
    seed_indicators(marzahn.kommune)
    Indicator.objects.create(kommune=marzahn.kommune, code="S4", name="Kinderarmut", unit="%")
    return marzahn


def run(tmp_path, text: str, *args: str) -> str:
    path = tmp_path / "werte.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command(
        "import_indicators",
        str(path),
        "--kommune",
        "marzahn-hellersdorf",
        *args,
        stdout=out,
        stderr=out,
    )
    return out.getvalue()


def values() -> dict[tuple[str, str, dt.date], tuple]:
    return {
        (v.indicator.code, v.area.code, v.reference_date): (
            v.value,
            v.missing_reason,
            v.numerator,
            v.denominator,
        )
        for v in IndicatorValue.objects.select_related("indicator", "area")
    }


def test_seeding_creates_the_standard_indicators_once_and_keeps_changes(marzahn):
    created = seed_indicators(marzahn.kommune)
    assert len(created) == len(STANDARD_INDICATORS)
    poverty = Indicator.objects.get(kommune=marzahn.kommune, code="SGB2_U15")
    assert poverty.higher_is_better is False
    assert poverty.denominator_label == "alle unter 15-Jährigen"
    assert not poverty.is_public
    assert Indicator.objects.get(code="HZE_U21").scale == 10000
    poverty.name, poverty.target_value, poverty.is_public = "Kinderarmut", 20.0, True
    poverty.save()
    Indicator.objects.get(code="BUT_TEILHABE").delete()

    again = seed_indicators(marzahn.kommune)

    assert [i.code for i in again] == ["BUT_TEILHABE"]
    poverty.refresh_from_db()
    assert (poverty.name, poverty.target_value, poverty.is_public) == ("Kinderarmut", 20.0, True)
    assert Indicator.objects.filter(kommune=marzahn.kommune).count() == len(STANDARD_INDICATORS)


def test_seeding_skips_and_the_model_refuses_the_reserved_codes(marzahn, monkeypatch):
    from lueckenlos.monitoring import services

    monkeypatch.setattr(
        services, "STANDARD_INDICATORS", [*STANDARD_INDICATORS[:1], Definition("neu", "x", "", "")]
    )
    assert [i.code for i in seed_indicators(marzahn.kommune)] == ["SGB2_U15"]
    with pytest.raises(ValidationError) as refused:
        Indicator(kommune=marzahn.kommune, code="Werte", name="x").full_clean()
    assert list(refused.value.message_dict) == ["code"]


def test_an_indicator_without_a_denominator_is_a_rate_given_directly(marzahn):
    indicator = Indicator.objects.create(kommune=marzahn.kommune, code="X", name="X")
    assert indicator.is_rate_given
    assert indicator.scale == 100 and indicator.higher_is_better is None


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("12,5", (12.5, "")),
        ("1.234,5", (1234.5, "")),
        ("1,234.5", (1234.5, "")),
        ("12,5 %", (12.5, "")),
        ("-9999", (None, "-9999")),
        ("–", (None, "–")),
        ("", (None, "")),
    ],
)
def test_values_are_read_as_statistics_offices_write_them(text, parsed):
    assert parse_value(text) == parsed


def test_a_wide_file_with_markers_and_decimal_commas(english, tmp_path, indicators):
    output = run(
        tmp_path,
        "PLR;Name;S4;SGB2_U15\nmar-N;Nord;23,4;x\nmar-S;Süd;-9999;/\n",
        "--date",
        DAY.isoformat(),
    )
    assert values() == {
        ("S4", "mar-N", DAY): (23.4, "", None, None),
        ("SGB2_U15", "mar-N", DAY): (
            None,
            "withheld by the statistics office (marked “x”)",
            None,
            None,
        ),
        ("S4", "mar-S", DAY): (
            None,
            "withheld by the statistics office (marked “-9999”)",
            None,
            None,
        ),
        ("SGB2_U15", "mar-S", DAY): (
            None,
            "withheld by the statistics office (marked “/”)",
            None,
            None,
        ),
    }
    assert "Columns left out: Name" in output
    assert "4 values created, 0 updated, 0 unchanged; 3 of them missing" in output


def test_a_long_file_with_numerator_and_denominator(english, tmp_path, indicators):
    run(
        tmp_path,
        "Gebiet;Indikator;Stichtag;Wert;Zähler;Nenner\n"
        "mar-N;SGB2_U15;31.12.2022;;250;1000\n"
        "mar-N;SGB2_U15;2021-12-31;26,1;;\n"
        "mar-S;HZE_U21;2022;;12;3000\n"
        "mar-S;SGB2_U15;2022-12-31;.;2;\n",
    )
    assert values() == {
        ("SGB2_U15", "mar-N", DAY): (25.0, "", 250.0, 1000.0),
        ("SGB2_U15", "mar-N", dt.date(2021, 12, 31)): (26.1, "", None, None),
        ("HZE_U21", "mar-S", DAY): (40.0, "", 12.0, 3000.0),
        ("SGB2_U15", "mar-S", DAY): (
            None,
            "withheld by the statistics office (marked “.”)",
            2.0,
            None,
        ),
    }


def test_only_the_chosen_indicator_is_read(english, tmp_path, indicators):
    output = run(
        tmp_path,
        "Gebiet;Indikator;Wert\nmar-N;SGB2_U15;25\nmar-N;S4;24\n",
        "--indicator",
        "S4",
        "--date",
        DAY.isoformat(),
    )
    assert list(values()) == [("S4", "mar-N", DAY)]
    assert "1 rows left out" in output


def test_a_single_value_column_for_the_chosen_indicator(tmp_path, indicators):
    run(tmp_path, "PLR;Wert\nmar-N;7,5\n", "--indicator", "S4", "--date", DAY.isoformat())
    assert values() == {("S4", "mar-N", DAY): (7.5, "", None, None)}


def test_errors_name_row_and_column_and_nothing_is_stored(english, tmp_path, indicators):
    out = StringIO()
    path = tmp_path / "werte.csv"
    path.write_text(
        "Gebiet;Indikator;Stichtag;Wert\n"
        "mar-N;S4;2022-12-31;12\n"
        "mar-X;S4;2022-12-31;12\n"
        "mar-S;NOPE;2022-12-31;12\n"
        "mar-S;S4;2022-12-31;zwölf\n"
        "mar-S;S4;gestern;1\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="4 problems found; nothing was imported"):
        call_command("import_indicators", str(path), "--kommune", "marzahn-hellersdorf", stderr=out)
    errors = out.getvalue()
    assert (
        "werte.csv, row 3, column “Gebiet”, value “mar-X”: Marzahn-Hellersdorf has no area"
        in errors
    )
    assert "row 4, column “Indikator”, value “NOPE”: Marzahn-Hellersdorf has no indicator" in errors
    assert "row 5, column “Wert”, value “zwölf”: neither a number" in errors
    assert "row 6, column “Stichtag”, value “gestern”: not a date" in errors
    assert not IndicatorValue.objects.exists()


def test_re_importing_changes_nothing_and_a_newer_file_updates(english, tmp_path, indicators):
    text = "PLR;S4\nmar-N;20,5\nmar-S;x\n"
    run(tmp_path, text, "--date", DAY.isoformat())
    assert "0 values created, 0 updated, 2 unchanged" in run(
        tmp_path, text, "--date", DAY.isoformat()
    )
    output = run(tmp_path, "PLR;S4\nmar-N;20,5\nmar-S;3\n", "--date", DAY.isoformat())
    assert "0 values created, 1 updated, 1 unchanged" in output
    assert values()[("S4", "mar-S", DAY)] == (3.0, "", None, None)
    # Each run is a change of its own that keeps what it replaced, so it can be undone.
    latest = ValueBatch.objects.order_by("-pk").first()
    assert f"Stored as change {latest.pk}" in output
    assert (latest.kind, latest.source, latest.created_by) == ("import", "werte.csv", None)
    (change,) = latest.changes.all()
    assert (change.before["value"], change.before["missing_reason"]) == (
        None,
        "withheld by the statistics office (marked “x”)",
    )
    assert change.after["value"] == 3.0


def test_a_dry_run_writes_nothing(english, tmp_path, indicators):
    output = run(tmp_path, "PLR;S4\nmar-N;20\n", "--date", DAY.isoformat(), "--dry-run")
    assert "Dry run, nothing changed" in output and "1 values created" in output
    assert not IndicatorValue.objects.exists() and not ValueBatch.objects.exists()


def test_a_wide_file_needs_a_date(english, tmp_path, indicators):
    with pytest.raises(CommandError, match="needs --date"):
        run(tmp_path, "PLR;S4\nmar-N;20\n")


def test_an_xlsx_file_with_numbers_and_markers(tmp_path, indicators):
    from lueckenlos.interop.tests.test_tabular import xlsx_bytes

    path = tmp_path / "werte.xlsx"
    path.write_bytes(
        xlsx_bytes({"Daten": [["Planungsraum", "S4", "SGB2_U15"], ["mar-N", 12.5, "–"]]})
    )
    call_command(
        "import_indicators",
        str(path),
        "--kommune",
        "marzahn-hellersdorf",
        "--date",
        DAY.isoformat(),
        stdout=StringIO(),
    )
    found = values()
    assert found[("S4", "mar-N", DAY)][0] == 12.5
    assert found[("SGB2_U15", "mar-N", DAY)][0] is None
