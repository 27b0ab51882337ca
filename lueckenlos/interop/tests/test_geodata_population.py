"""`lueckenlos import-population`: figures per area and age band, withheld values kept missing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lueckenlos.areas.models import AgeBand, PopulationCount
from lueckenlos.interop.geodata.population import parse_age_band
from tests.factories import AgeBandFactory

DAY = dt.date(2022, 6, 30)


def run(tmp_path, text: str, *args: str) -> str:
    path = tmp_path / "einwohner.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command(
        "import_population",
        str(path),
        "--kommune",
        "marzahn-hellersdorf",
        "--date",
        DAY.isoformat(),
        *args,
        stdout=out,
        stderr=out,
    )
    return out.getvalue()


def counts() -> dict[tuple[str, str], tuple[int | None, str]]:
    return {
        (p.area.code, p.age_band.code): (p.count, p.missing_reason)
        for p in PopulationCount.objects.select_related("area", "age_band")
    }


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("unter6", (0, 72, False)),
        ("6-15", (72, 180, False)),
        ("6 bis unter 15 Jahre", (72, 180, False)),
        ("0 bis 2 Jahre", (0, 36, False)),
        ("65undmehr", (780, None, False)),
        ("Gesamt", (0, None, True)),
        ("weiblich", None),
    ],
)
def test_age_bands_are_read_from_what_statistics_offices_write(text, months):
    assert parse_age_band(text) == months


def test_a_wide_file_keeps_withheld_values_missing(english, tmp_path, marzahn):
    output = run(
        tmp_path,
        "Gesamt;unter6;6-15;weiblich;PLR-ID\n120;–;x;60;mar-N\n80;12;-9999;40;mar-S\n",
    )
    assert counts() == {
        ("mar-N", "Gesamt"): (120, ""),
        ("mar-N", "unter6"): (None, "withheld by the statistics office (marked “–”)"),
        ("mar-N", "6-15"): (None, "withheld by the statistics office (marked “x”)"),
        ("mar-S", "Gesamt"): (80, ""),
        ("mar-S", "unter6"): (12, ""),
        ("mar-S", "6-15"): (None, "withheld by the statistics office (marked “-9999”)"),
    }
    assert AgeBand.objects.get(code="6-15").max_age_months == 180
    assert "Columns left out (no age band): weiblich" in output


def test_existing_age_bands_are_reused_by_their_ages(tmp_path, marzahn):
    band = AgeBandFactory(kommune=marzahn.kommune, code="u6", label="unter 6 Jahre")
    run(tmp_path, "Gebiet;unter 6 Jahre\nmar-N;7\n")
    assert PopulationCount.objects.get().age_band == band


def test_a_long_file(tmp_path, marzahn):
    run(tmp_path, "Gebiet;Altersgruppe;Anzahl\nmar-N;unter 6;7\nmar-N;6 bis unter 15;1.204\n")
    assert counts() == {("mar-N", "unter 6"): (7, ""), ("mar-N", "6 bis unter 15"): (1204, "")}


def test_re_importing_changes_nothing_and_an_update_updates(english, tmp_path, marzahn):
    run(tmp_path, "PLR;unter6\nmar-N;7\nmar-S;8\n")
    assert "2 unchanged" in run(tmp_path, "PLR;unter6\nmar-N;7\nmar-S;8\n")
    assert "1 updated" in run(tmp_path, "PLR;unter6\nmar-N;9\nmar-S;8\n")
    assert counts()[("mar-N", "unter6")] == (9, "")


def test_unknown_areas_and_bad_numbers_are_row_errors_and_nothing_is_stored(
    english, tmp_path, marzahn
):
    out = StringIO()
    path = tmp_path / "einwohner.csv"
    path.write_text("PLR;unter6\nmar-N;7\nmar-X;8\nmar-S;sieben\n", encoding="utf-8")
    with pytest.raises(CommandError, match="2 problems"):
        call_command(
            "import_population",
            str(path),
            "--kommune",
            "marzahn-hellersdorf",
            "--date",
            "2022-06-30",
            "--area-column",
            "PLR",
            stdout=out,
            stderr=out,
        )
    assert (
        "einwohner.csv, row 3, column “PLR”, value “mar-X”: Marzahn-Hellersdorf has no area "
        "with this code valid on 2022-06-30." in out.getvalue()
    )
    assert "row 4, column “unter6”, value “sieben”" in out.getvalue()
    assert not PopulationCount.objects.exists()
