"""The report page: the form, the download, form errors, kept choices and who may do what."""

from __future__ import annotations

import io
import re

import docx
import pytest
from django.test import Client
from django.utils import timezone

from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.tests.personas import member
from lueckenlos.reports.models import ReportDraft
from lueckenlos.reports.tests.conftest import REPORT_YEAR

URL = "/teststadt/arbeitsbereich/bericht/"


def signed_in(client: Client, town, role: str, name: str) -> Client:
    client.force_login(member(name, town.kommune, role))
    return client


@pytest.fixture
def coordinator(town, client, english) -> Client:
    return signed_in(client, town, Membership.Role.COORDINATOR, "koordination")


@pytest.fixture
def steering(town, client, english) -> Client:
    return signed_in(client, town, Membership.Role.STEERING_MEMBER, "steuerung")


def is_checked(page: str, name: str, value: str) -> bool:
    """Whether the checkbox or radio button `name`=`value` is checked on the page."""
    (tag,) = re.findall(rf'<input[^>]*name="{name}" value="{value}"[^>]*>', page)
    return " checked" in tag


def post(client: Client, **data) -> object:
    values = {
        "year": REPORT_YEAR,
        "sections": ["inventory"],
        "introduction": "Unser Bericht.",
        "format": "docx",
    }
    values.update(data)
    return client.post(URL, values)


def test_the_form_starts_with_last_year_and_every_section(coordinator):
    response = coordinator.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'value="{timezone.localdate().year - 1}"' in page
    for key in ("inventory", "gaps", "indicators"):
        assert is_checked(page, "sections", key)
    assert is_checked(page, "format", "pdf")
    assert not is_checked(page, "format", "docx")
    assert "<textarea" in page


def test_a_coordinator_downloads_the_docx_and_the_choices_are_kept(town, coordinator):
    response = post(coordinator, sections=["indicators", "inventory"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        f'filename="praeventionsbericht-teststadt-{REPORT_YEAR}.docx"'
        in response["Content-Disposition"]
    )
    document = docx.Document(io.BytesIO(response.content))
    assert "Unser Bericht." in [p.text for p in document.paragraphs]

    draft = ReportDraft.objects.get(kommune=town.kommune, year=REPORT_YEAR)
    assert draft.sections == ["indicators", "inventory"]
    assert draft.introduction == "Unser Bericht."
    # Coming back to the year shows the kept introduction and choices.
    page = coordinator.get(URL, {"jahr": REPORT_YEAR}).content.decode()
    assert "Unser Bericht.</textarea>" in page
    assert is_checked(page, "sections", "indicators")
    assert not is_checked(page, "sections", "gaps")  # not chosen this time
    assert is_checked(page, "format", "docx")


def test_the_pdf_download(coordinator):
    response = post(coordinator, format="pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"praeventionsbericht-teststadt-{REPORT_YEAR}.pdf" in response["Content-Disposition"]


def test_a_steering_member_downloads_but_keeps_nothing(town, steering):
    page = steering.get(URL).content.decode()
    assert "your introduction and choices are not kept" in page
    response = post(steering)
    assert response.status_code == 200
    assert response.content.startswith(b"PK")  # a DOCX is a zip file
    assert not ReportDraft.objects.filter(kommune=town.kommune).exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"year": timezone.localdate().year + 1}, "lies in the future"),
        ({"sections": []}, "Choose at least one section."),
        ({"sections": ["nope"]}, "Select a valid choice."),
        ({"format": "odt"}, "Select a valid choice."),
        ({"year": "letztes"}, "Enter a whole number."),
    ],
)
def test_form_errors_are_shown_on_the_page(town, coordinator, data, error):
    response = post(coordinator, **data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'class="form-errors" role="alert"' in page
    assert error in page
    assert "Unser Bericht.</textarea>" in page  # the introduction is not lost
    assert not ReportDraft.objects.exists()


def test_a_provider_editor_and_another_kommune_get_403(town, client, pankow, english):
    signed_in(client, town, Membership.Role.PROVIDER_EDITOR, "kita")
    assert client.get(URL).status_code == 403
    assert post(client).status_code == 403
    client.force_login(member("pankow", pankow.kommune, Membership.Role.COORDINATOR))
    assert client.get(URL).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(town, client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/anmelden/")
