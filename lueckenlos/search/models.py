"""The search index of the public portal: derived from the catalogue, rebuilt from it at any
time (`lueckenlos reindex`), never edited by hand.

One document per active offer with its age span; its words (folded, with their stems) for
the text search; its facet keys ("phase:infant", "lang:tr", "area:17" ...) for filters and
counts; its points for distances. Plain tables and indexes, so the same SQL runs on SQLite
and PostgreSQL.
"""

from __future__ import annotations

from django.db import models

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Location, Service


class OfferDocument(models.Model):
    service = models.OneToOneField(
        Service, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, db_index=False)
    sort_name = models.CharField(max_length=300)
    # The age span the offer serves, in months: its own range, else the span of its life
    # phases; empty ends are open (an offer for all ages has neither).
    min_age_months = models.IntegerField(null=True)
    max_age_months = models.IntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["kommune", "sort_name"], name="search_doc_kommune_name")]

    def __str__(self) -> str:
        return f"{self.service_id}"


class OfferWord(models.Model):
    document = models.ForeignKey(
        OfferDocument, on_delete=models.CASCADE, related_name="words", db_index=False
    )
    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, db_index=False)
    word = models.CharField(max_length=60)
    # Where the word stands, as a weight (see lueckenlos.search.text.FIELD_WEIGHTS).
    weight = models.SmallIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["kommune", "word", "document"], name="search_word_lookup"),
            models.Index(fields=["document"], name="search_word_document"),
        ]

    def __str__(self) -> str:
        return self.word


class OfferFacet(models.Model):
    document = models.ForeignKey(
        OfferDocument, on_delete=models.CASCADE, related_name="facets", db_index=False
    )
    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, db_index=False)
    key = models.CharField(max_length=80)

    class Meta:
        indexes = [
            models.Index(fields=["kommune", "key", "document"], name="search_facet_lookup"),
            models.Index(fields=["document", "key"], name="search_facet_document"),
        ]

    def __str__(self) -> str:
        return self.key


class OfferPoint(models.Model):
    document = models.ForeignKey(
        OfferDocument, on_delete=models.CASCADE, related_name="points", db_index=False
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, db_index=False)
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        indexes = [
            models.Index(fields=["document"], name="search_point_document"),
            models.Index(fields=["latitude", "longitude"], name="search_point_coordinates"),
        ]

    def __str__(self) -> str:
        return f"{self.latitude:.5f}, {self.longitude:.5f}"


class VocabularyWord(models.Model):
    """Every word ever indexed in a Kommune, with its stem: what query words expand against.

    Only grows (a word no longer in any offer matches nothing), so a search process keeps it
    in memory and reads only the rows added since (see lueckenlos.search.vocabulary).
    """

    id = models.BigAutoField(primary_key=True)
    kommune = models.ForeignKey(Kommune, on_delete=models.CASCADE, db_index=False)
    word = models.CharField(max_length=60)
    stem = models.CharField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kommune", "word"], name="unique_vocabulary_word")
        ]
        indexes = [models.Index(fields=["kommune", "id"], name="search_vocabulary_since")]

    def __str__(self) -> str:
        return f"{self.word} ({self.stem})"


class IndexGeneration(models.Model):
    """How many times a Kommune's index has changed: what a search process may keep computed
    for a search (its facet counts) stays valid while the number stays the same."""

    kommune = models.OneToOneField(
        Kommune, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kommune_id}: {self.generation}"
