"""Optional translations of an offer's texts: one per offer and language, never German."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from lueckenlos.catalogue.models import ServiceTranslation
from lueckenlos.catalogue.models.translations import translation_languages
from lueckenlos.catalogue.tests.test_admin_service import service_form
from tests.factories import ServiceFactory

pytestmark = pytest.mark.usefixtures("english")


def test_an_offer_can_be_translated_into_every_interface_language_but_german(settings):
    settings.LANGUAGES = [("de", "German"), ("en", "English"), ("fa", "Persian")]

    # Read from the settings each time: a new interface language needs no migration.
    assert [code for code, _name in translation_languages()] == ["en", "fa"]


def test_german_is_not_a_translation(marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune)

    with pytest.raises(ValidationError) as error:
        ServiceTranslation(service=offer, language="de", name="Turnen").full_clean()

    assert "language" in error.value.message_dict


def test_every_text_may_stay_empty(marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune)

    ServiceTranslation(service=offer, language="ar").full_clean()


def test_an_offer_has_one_translation_per_language(marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune)
    ServiceTranslation.objects.create(service=offer, language="tr", name="Jimnastik")

    with pytest.raises(ValidationError) as error:
        ServiceTranslation(service=offer, language="tr", name="Spor").full_clean()
    assert "This offer already has a translation in this language." in str(error.value)
    with pytest.raises(IntegrityError):
        ServiceTranslation.objects.create(service=offer, language="tr", name="Spor")


def test_translations_go_with_their_offer(marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune)
    ServiceTranslation.objects.create(service=offer, language="uk", name="Гімнастика")

    offer.delete()

    assert not ServiceTranslation.objects.exists()


def test_translations_are_edited_on_the_offer_in_the_admin(admin_client, marzahn):
    offer = ServiceFactory(kommune=marzahn.kommune, name="Turnen")
    data = service_form(offer) | {
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-0-language": "en",
        "translations-0-name": "Gymnastics",
    }

    response = admin_client.post(reverse("admin:catalogue_service_change", args=[offer.pk]), data)

    assert response.status_code == 302
    (translation,) = offer.translations.all()
    assert (translation.language, translation.name) == ("en", "Gymnastics")
