"""The migrations seed exactly the vocabularies the code names."""

import pytest

from lueckenlos.catalogue.models import Taxonomy, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import VOCABULARIES


@pytest.mark.django_db
def test_the_migrated_database_holds_the_vocabularies_of_the_code():
    # A change to vocabularies.py needs a data migration; this fails until it has one.
    in_code = {
        (v.code, v.name): [
            (t.code, t.name, t.description, t.min_age_months, t.max_age_months) for t in v.terms
        ]
        for v in VOCABULARIES
    }
    in_database = {
        (taxonomy.code, taxonomy.name): [
            (t.code, t.name, t.description, t.min_age_months, t.max_age_months)
            for t in TaxonomyTerm.objects.filter(taxonomy=taxonomy).order_by("position")
        ]
        for taxonomy in Taxonomy.objects.all()
    }
    assert in_database == in_code


def test_every_seeded_term_name_is_marked_for_translation():
    """term_names.py is what makemessages reads: it must name exactly the seeded terms."""
    import ast
    from pathlib import Path

    from lueckenlos.catalogue import term_names
    from lueckenlos.catalogue.vocabularies import VOCABULARIES

    tree = ast.parse(Path(term_names.__file__).read_text())
    marked = {
        call.args[1].value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "pgettext_lazy"
    }
    seeded = {term.name for vocabulary in VOCABULARIES for term in vocabulary.terms}
    assert marked == seeded
