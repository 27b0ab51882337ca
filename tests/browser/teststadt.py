"""The small Kommune of the analysis tests ("Teststadt") for browser journeys, with a
coordinator who signs in with a password and no second factor."""

from __future__ import annotations

from lueckenlos.accounts.models import Membership
from lueckenlos.accounts.tests.personas import member
from lueckenlos.analysis import cache
from lueckenlos.analysis.tests.conftest import build_teststadt
from lueckenlos.catalogue.models import Taxonomy, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import seed_vocabularies
from lueckenlos.search.indexing import indexing_deferred


def coordinated_teststadt(settings, password: str):
    """Teststadt and its coordinator koordination@example.org (sign-in without TOTP)."""
    settings.REQUIRE_SECOND_FACTOR = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # An earlier transactional test's flush took the vocabularies the migration seeded.
    seed_vocabularies(Taxonomy, TaxonomyTerm)
    from django.core.cache import cache as django_cache

    django_cache.clear()
    cache.forget()
    with indexing_deferred():
        town = build_teststadt()
    user = member("koordination", town.kommune, Membership.Role.COORDINATOR)
    user.set_password(password)
    user.save()
    return town
