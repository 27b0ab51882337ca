"""`lueckenlos import-grid`: the census grid's cells inside the Kommune, all or nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lueckenlos.analysis.cache import data_state
from lueckenlos.analysis.models import AnalysisGeneration, GridCell, PopulationGrid

from .conftest import KM, X0, Y0

HEADER = "GITTER_ID_100m;x_mp_100m;y_mp_100m;Einwohner"


def line(x: int, y: int, count: str, cell: str | None = None) -> str:
    return f"{cell or f'CRS3035RES100mN{y - 50}E{x - 50}'};{x};{y};{count}"


def run(tmp_path, lines: list[str], *args: str) -> str:
    path = tmp_path / "Zensus2022_Bevoelkerungszahl_100m-Gitter.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    out = StringIO()
    call_command("import_grid", str(path), "--kommune", "teststadt", *args, stdout=out, stderr=out)
    return out.getvalue()


def cells() -> dict[str, tuple]:
    return {
        c.cell_id: (c.inhabitants, c.area.code if c.area else None, bool(c.missing_reason))
        for c in GridCell.objects.select_related("area")
    }


def test_cells_are_placed_in_their_smallest_area_and_withheld_counts_stay_missing(
    english, tmp_path, teststadt
):
    output = run(
        tmp_path,
        [
            line(X0 + 550, Y0 + 550, "12"),
            line(X0 + KM + 50, Y0 + 950, "3"),
            line(X0 + 2 * KM + 450, Y0 + 50, "–"),
            line(X0 + 2 * KM + 550, Y0 + 50, "-1"),
            # 20 km away: another Kommune's cell in a state-wide file.
            line(X0 + 20_050, Y0 + 50, "40"),
        ],
    )
    assert cells() == {
        f"CRS3035RES100mN{Y0 + 500}E{X0 + 500}": (12, "A", False),
        f"CRS3035RES100mN{Y0 + 900}E{X0 + KM}": (3, "B", False),
        f"CRS3035RES100mN{Y0}E{X0 + 2 * KM + 400}": (None, "C", True),
        f"CRS3035RES100mN{Y0}E{X0 + 2 * KM + 500}": (None, "C", True),
    }
    grid = PopulationGrid.objects.get(kommune=teststadt.kommune)
    assert (grid.cells, grid.inhabitants, grid.withheld_cells) == (4, 15, 2)
    assert "4 grid cells with 15 inhabitants" in output
    assert "1 cells outside the Kommune left out" in output


def test_a_new_import_replaces_the_grid(tmp_path, teststadt):
    run(tmp_path, [line(X0 + 550, Y0 + 550, "12"), line(X0 + 650, Y0 + 550, "7")])
    run(tmp_path, [line(X0 + 550, Y0 + 550, "20")])
    assert list(GridCell.objects.values_list("inhabitants", flat=True)) == [20]


def test_a_faulty_row_rejects_the_file_and_changes_nothing(english, tmp_path, teststadt):
    run(tmp_path, [line(X0 + 550, Y0 + 550, "12")])
    data_state(teststadt.kommune)  # creates the Kommune's generation counter
    generation = AnalysisGeneration.objects.get(kommune=teststadt.kommune).generation
    before = cells()
    err = StringIO()
    path = tmp_path / "kaputt.csv"
    path.write_text(
        "\n".join(
            [
                HEADER,
                line(X0 + 650, Y0 + 550, "8"),
                line(X0 + 750, Y0 + 550, "viele"),
                line(X0 + 650, Y0 + 550, "8"),
                line(X0 + 850, Y0 + 550, "4", cell=f"CRS3035RES100mN{Y0}E{X0}"),
                f"x;123;{Y0 + 550};5",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="4 problems found; nothing was imported"):
        call_command("import_grid", str(path), "--kommune", "teststadt", stdout=err, stderr=err)
    messages = err.getvalue()
    assert "kaputt.csv, row 3, column “Einwohner”, value “viele”" in messages
    assert "row 4, column “GITTER_ID_100m”" in messages and "already in row 2" in messages
    assert "row 5" in messages and "not the coordinates given" in messages
    assert "row 6, column “x_mp_100m”, value “123”" in messages
    assert cells() == before
    # Nothing changed, so cached results stay valid.
    assert AnalysisGeneration.objects.get(kommune=teststadt.kommune).generation == generation


def test_dry_run_changes_nothing(english, tmp_path, teststadt):
    output = run(tmp_path, [line(X0 + 550, Y0 + 550, "12")], "--dry-run")
    assert "Dry run, nothing changed" in output
    assert not GridCell.objects.exists()
    assert not PopulationGrid.objects.exists()


def test_columns_with_other_titles_can_be_named(tmp_path, teststadt):
    path = tmp_path / "grid.csv"
    path.write_text(
        f"ID;X;Y;EW\nCRS3035RES100mN{Y0 + 500}E{X0 + 500};{X0 + 550};{Y0 + 550};9\n",
        encoding="utf-8",
    )
    call_command(
        "import_grid",
        str(path),
        "--kommune",
        "teststadt",
        "--columns",
        "cell=ID,x=X,y=Y,inhabitants=EW",
        stdout=StringIO(),
    )
    assert list(GridCell.objects.values_list("inhabitants", flat=True)) == [9]
