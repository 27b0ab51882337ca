"""Reads from the catalogue."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from lueckenlos.catalogue.models import TaxonomyTerm
from lueckenlos.catalogue.vocabularies import LIFE_PHASE


def life_phases_for_age(months: int) -> QuerySet[TaxonomyTerm]:
    """The life phases a child of this age (in months; negative before birth) belongs to.

    Usually one; at the ages where phases overlap (15: secondary school and the transition
    to work) both.
    """
    return TaxonomyTerm.objects.filter(
        Q(min_age_months__isnull=True) | Q(min_age_months__lte=months),
        Q(max_age_months__isnull=True) | Q(max_age_months__gt=months),
        taxonomy__code=LIFE_PHASE,
    ).order_by("position")


def life_phases_for_age_range(
    min_months: int | None, max_months: int | None
) -> QuerySet[TaxonomyTerm]:
    """The life phases an age range [min, max) overlaps; open ends reach to all phases."""
    query = TaxonomyTerm.objects.filter(taxonomy__code=LIFE_PHASE)
    if min_months is not None:
        query = query.filter(Q(max_age_months__isnull=True) | Q(max_age_months__gt=min_months))
    if max_months is not None:
        query = query.filter(Q(min_age_months__isnull=True) | Q(min_age_months__lt=max_months))
    return query.order_by("position")
