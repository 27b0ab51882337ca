"""`lueckenlos report`: the report written to a file, with clear errors."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.management import CommandError, call_command

from lueckenlos.reports.tests.conftest import REPORT_YEAR


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def base(target, fmt: str = "pdf", year: int | str = REPORT_YEAR) -> list[str]:
    return ["--kommune", "teststadt", "--year", str(year), "--format", fmt, "--out", str(target)]


def test_it_writes_the_pdf(town, english, tmp_path):
    target = tmp_path / "bericht.pdf"
    output = run(*base(target), "--sections", "inventory")
    assert "written" in output
    assert target.read_bytes().startswith(b"%PDF")


def test_it_writes_the_docx_with_the_introduction_and_the_sections(town, english, tmp_path):
    intro = tmp_path / "einleitung.txt"
    intro.write_text("Liebe Mitglieder der Steuerungsgruppe,\n\ndas Jahr war gut.", "utf-8")
    target = tmp_path / "bericht.docx"
    run(
        *base(target, "DOCX"),
        "--sections",
        "indicators, inventory",
        "--introduction-file",
        str(intro),
    )
    document = docx.Document(str(target))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["Introduction", "Inventory", "Indicators and trends"]
    assert "das Jahr war gut." in [p.text for p in document.paragraphs]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kommune", "nirgendwo"], "there is no Kommune “nirgendwo”; known are: teststadt"),
        (["--year", "2999"], "--year: “2999” is not a year from 2000 to"),
        (["--year", "zwanzig"], "--year: “zwanzig” is not a year"),
        (["--format", "odt"], "--format: “odt” is not one of pdf, docx."),
        (["--sections", "inventory,networks"], "--sections: unknown networks; known are:"),
        (["--out", "/nonexistent/dir/x.pdf"], "--out: there is no directory /nonexistent/dir"),
        (["--introduction-file", "/nonexistent.txt"], "--introduction-file: /nonexistent.txt"),
    ],
)
def test_clear_errors(town, english, tmp_path, args, message):
    options = dict(zip(base(tmp_path / "x.pdf")[::2], base(tmp_path / "x.pdf")[1::2], strict=True))
    for name, value in zip(args[::2], args[1::2], strict=True):
        options[name] = value
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(*[part for pair in options.items() for part in pair])
    assert not (tmp_path / "x.pdf").exists()
