"""`lueckenlos gaps`: the gap analysis of a Kommune written to a file, with clear errors."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("gaps", *args, stdout=out)
    return out.getvalue()


def test_it_writes_the_xlsx(teststadt, english, tmp_path):
    target = tmp_path / "luecken.xlsx"
    output = run("--kommune", "teststadt", "--format", "xlsx", "--out", str(target))
    assert "written" in output
    workbook = load_workbook(target)
    # The default level is the finest: the three Planungsräume (and the Kommune) per row.
    areas = [row[2] for row in workbook["Areas"].iter_rows(min_row=2, values_only=True)]
    assert sorted(areas) == ["Anger", "Bruch", "Cölln"]


def test_csv_is_the_area_table_or_another_one(teststadt, english, tmp_path):
    target = tmp_path / "gebiete.csv"
    run("--kommune", "teststadt", "--format", "csv", "--out", str(target), "--level", "0")
    lines = target.read_bytes().decode("utf-8-sig").splitlines()
    # Level 0 is the Bezirksregion: West and Ost.
    assert lines[0].startswith("Rank;Area code;Area;")
    assert sorted(line.split(";")[2] for line in lines[1:]) == ["Ost", "West"]

    target = tmp_path / "matrix.csv"
    run("--kommune", "teststadt", "--format", "csv", "--table", "matrix", "--out", str(target))
    assert "Field of action" in target.read_bytes().decode("utf-8-sig").splitlines()[0]


def test_csv_into_a_zip_holds_every_table(teststadt, english, tmp_path):
    target = tmp_path / "luecken.zip"
    run("--kommune", "teststadt", "--format", "csv", "--out", str(target), "--distance", "500")
    names = zipfile.ZipFile(target).namelist()
    assert len([name for name in names if name.endswith(".csv")]) == 4
    method = zipfile.ZipFile(target).read("lueckenanalyse-teststadt-method.txt").decode()
    assert "500 m" in method


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kommune", "nirgendwo", "--format", "xlsx"], "no Kommune “nirgendwo”"),
        (["--kommune", "teststadt", "--format", "docx"], "“docx” is not one of xlsx, pdf, csv"),
        (
            ["--kommune", "teststadt", "--format", "xlsx", "--level", "Kiez"],
            r"known are: Bezirksregion \(0\), Planungsraum \(1\)",
        ),
        (["--kommune", "teststadt", "--format", "csv", "--table", "x"], "“x” is not one of"),
        (["--kommune", "teststadt", "--format", "csv", "--distance", "0"], "above 0"),
    ],
)
def test_it_explains_what_is_wrong(teststadt, english, tmp_path, args, message):
    target = tmp_path / "out.file"
    with pytest.raises(CommandError, match=message):
        run(*args, "--out", str(target))
    assert not target.exists()


def test_it_refuses_a_missing_directory(teststadt, english, tmp_path):
    with pytest.raises(CommandError, match="no directory"):
        run("--kommune", "teststadt", "--format", "csv", "--out", str(tmp_path / "no" / "x.csv"))
