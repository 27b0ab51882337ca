"""The text pages: each Kommune's imprint and privacy notice, the easy-read page, and the
feedback form of the accessibility statement, which works without cookies."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from lueckenlos.areas.models import Kommune
from lueckenlos.portal.forms import feedback_token

ACCESSIBILITY = reverse("portal:accessibility")


# --- Imprint and privacy -------------------------------------------------------------------


def test_the_imprint_shows_the_kommunes_text_with_its_line_breaks(client, marzahn):
    Kommune.objects.filter(pk=marzahn.kommune.pk).update(
        imprint="Bezirksamt Marzahn-Hellersdorf\nAlice-Salomon-Platz 3\n\n<b>Vertreten</b> durch"
    )

    response = client.get(reverse("portal:imprint", args=[marzahn.kommune.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Imprint</h1>" in html
    assert "<title>Imprint – Marzahn-Hellersdorf – lueckenlos</title>" in html
    assert "<p>Bezirksamt Marzahn-Hellersdorf<br>Alice-Salomon-Platz 3</p>" in html
    # Text from the database is never markup.
    assert "&lt;b&gt;Vertreten&lt;/b&gt;" in html
    # German as entered, marked so on an English page.
    assert '<div class="kommune-text" lang="de" dir="ltr">' in html


def test_without_an_imprint_the_page_says_so_and_names_the_operator(client, marzahn, settings):
    settings.FEEDBACK_EMAIL = "betrieb@example.org"

    response = client.get(reverse("portal:imprint", args=[marzahn.kommune.slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Marzahn-Hellersdorf has not published its imprint on this portal yet." in html
    assert '<a href="mailto:betrieb@example.org">betrieb@example.org</a>' in html


def test_the_privacy_page_shows_the_notice_and_what_the_portal_does(client, marzahn, settings):
    settings.TILE_URL = ""
    Kommune.objects.filter(pk=marzahn.kommune.pk).update(privacy_notice="Verantwortlich: X")

    response = client.get(reverse("portal:privacy", args=[marzahn.kommune.slug]))

    html = response.content.decode()
    assert "<h1>Privacy</h1>" in html
    assert "Verantwortlich: X" in html
    assert "The public pages set no cookies" in html
    assert "There is no tracking and no web analytics" in html
    assert "The map has no background map from another server." in html


def test_the_privacy_page_names_the_map_server_when_one_is_configured(client, marzahn, settings):
    settings.TILE_URL = "https://tile.example.org/{z}/{x}/{y}.png"

    html = client.get(reverse("portal:privacy", args=[marzahn.kommune.slug])).content.decode()

    assert "load map images from tile.example.org" in html
    assert "has not published its privacy notice on this portal yet." in html


def test_the_text_pages_of_an_unknown_kommune_are_not_found(client, db):
    assert client.get(reverse("portal:imprint", args=["nirgendwo"])).status_code == 404
    assert client.get(reverse("portal:privacy", args=["nirgendwo"])).status_code == 404


def test_the_texts_are_edited_in_the_kommune_admin(admin_client, marzahn):
    response = admin_client.get(reverse("admin:areas_kommune_change", args=[marzahn.kommune.pk]))

    html = response.content.decode()
    assert 'name="imprint"' in html
    assert 'name="privacy_notice"' in html


# --- Easy read -------------------------------------------------------------------------------


def test_the_easy_read_page_explains_the_portal(client, settings, db):
    settings.FEEDBACK_EMAIL = "betrieb@example.org"

    response = client.get(reverse("portal:easy_read"))

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1>") == 1
    for heading in (
        "What is this website?",
        "How do I find an offer?",
        "How do I change the language?",
        "What does the website keep about me?",
        "Whom can I ask?",
    ):
        assert f"<h2>{heading}</h2>" in html
    assert "The website does not use cookies." in html
    assert '<a href="mailto:betrieb@example.org">betrieb@example.org</a>' in html


# --- The feedback form -------------------------------------------------------------------------


def served(seconds_ago: float) -> str:
    return feedback_token(now=time.time() - seconds_ago)


def feedback(**fields) -> dict:
    return {"message": "Die Karte ist mit der Tastatur nicht bedienbar.", "issued": served(60)} | (
        fields
    )


@pytest.fixture
def operator(settings):
    settings.FEEDBACK_EMAIL = "barrieren@example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings.FEEDBACK_EMAIL


def test_the_form_is_shown_with_labels_and_the_page_prefilled(client, db):
    response = client.get(ACCESSIBILITY, {"seite": "/marzahn-hellersdorf/"})

    html = response.content.decode()
    assert '<label for="id_message">Your message</label>' in html
    assert '<label for="id_email">Your e-mail address (optional)</label>' in html
    assert 'name="page" value="/marzahn-hellersdorf/"' in html
    # The help text describes its field.
    assert 'aria-describedby="id_message_helptext"' in html
    assert '<span class="hint" id="id_message_helptext">' in html
    # The trap is hidden by a class, never by a style attribute (the CSP forbids those).
    assert 'class="field feedback-trap"' in html
    assert "style=" not in html
    assert 'name="issued"' in html


def test_a_message_is_mailed_to_the_operator_and_thanked_for(client, operator):
    response = client.post(
        ACCESSIBILITY,
        feedback(email="mutter@example.org", page="/marzahn-hellersdorf/"),
    )

    assert response.status_code == 302
    assert response["Location"] == f"{ACCESSIBILITY}?gesendet=1#feedback"
    (message,) = mail.outbox
    assert message.to == [operator]
    assert "Die Karte ist mit der Tastatur nicht bedienbar." in message.body
    assert "mutter@example.org" in message.body
    assert "/marzahn-hellersdorf/" in message.body

    thanks = client.get(response["Location"]).content.decode()
    assert "Thank you. Your message has been sent." in thanks
    assert '<form class="feedback-form"' not in thanks


def test_the_message_is_not_stored(client, db, operator, django_assert_num_queries):
    # Personal data stays out of the database: sending touches no table at all.
    with django_assert_num_queries(0):
        response = client.post(ACCESSIBILITY, feedback())

    assert response.status_code == 302
    assert len(mail.outbox) == 1


def test_the_form_works_without_cookies_or_csrf_token(operator):
    client = Client(enforce_csrf_checks=True)

    shown = client.get(ACCESSIBILITY)
    sent = client.post(ACCESSIBILITY, feedback())

    assert not shown.cookies and not sent.cookies
    assert "csrfmiddlewaretoken" not in shown.content.decode()
    assert sent.status_code == 302
    assert len(mail.outbox) == 1


def test_a_missing_message_is_shown_at_its_field(client, operator):
    response = client.post(ACCESSIBILITY, feedback(message=""))

    html = response.content.decode()
    assert response.status_code == 200
    assert not mail.outbox
    assert "<title>Error: Accessibility statement – lueckenlos</title>" in html
    assert '<div class="field-error" id="id_message_error">' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_message_helptext id_message_error"' in html
    # The summary links to the field.
    assert '<a href="#id_message">Your message: This field is required.</a>' in html


def test_a_message_longer_than_5000_characters_is_refused(client, operator):
    response = client.post(ACCESSIBILITY, feedback(message="x" * 5001))

    assert response.status_code == 200
    assert response.context["form"].has_error("message", "max_length")
    assert not mail.outbox


def test_an_invalid_reply_address_is_refused(client, operator):
    response = client.post(ACCESSIBILITY, feedback(email="keine adresse"))

    assert response.context["form"].has_error("email")
    assert not mail.outbox


@pytest.mark.parametrize(
    "issued",
    [
        pytest.param(lambda: served(0.5), id="sent-within-two-seconds"),
        pytest.param(lambda: served(25 * 60 * 60), id="older-than-a-day"),
        pytest.param(lambda: "1700000000", id="forged"),
        pytest.param(lambda: "", id="missing"),
        pytest.param(lambda: feedback_token(now=time.time() + 3600), id="from-the-future"),
    ],
)
def test_a_form_without_a_valid_timestamp_is_refused(client, operator, issued):
    response = client.post(ACCESSIBILITY, feedback(issued=issued()))

    html = response.content.decode()
    assert response.status_code == 200
    assert not mail.outbox
    assert "it was open for too long or sent too quickly" in html
    # A fresh timestamp comes with the form, so sending again works.
    assert 'name="issued" value=""' not in html


def test_a_robot_that_fills_the_trap_is_thanked_but_nothing_is_sent(client, operator):
    response = client.post(ACCESSIBILITY, feedback(website="https://spam.example"))

    assert response.status_code == 302
    assert not mail.outbox
