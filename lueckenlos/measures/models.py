"""Measures (Maßnahmen): what a working group proposes against a gap, how the steering group
scores and ranks the proposals on the criteria the Kommune sets, and what became of them.

A measure names the gap it addresses by life phases, fields of action and areas (the
dimensions of the gap analysis, so that a gap can list the measures that address it), the
indicator it should move and the step of the impact ladder (Wirkungstreppe) it aims at.
Its status moves proposed → prioritised → decided → in progress → evaluated (or is set
aside); every step is kept with its date and note.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lueckenlos.areas.models import Area, Kommune, KommuneScopedQuerySet
from lueckenlos.catalogue.models import Organization, TaxonomyTerm
from lueckenlos.catalogue.models.tracking import CatalogueHistory, NotInTrashManager, Trashable
from lueckenlos.monitoring.models import Indicator
from lueckenlos.networks.models import COVERED_VOCABULARIES, Decision, Network

SCORE_MIN = 0
SCORE_MAX = 5


class ImpactLevel(models.TextChoices):
    OUTPUT = "output", _("Output")
    STRUCTURES = "structures", _("Outcome in structures")
    TARGET_GROUP = "target_group", _("Outcome in the target group")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("measure status", "Proposed")
    PRIORITISED = "prioritised", _("Prioritised")
    DECIDED = "decided", pgettext_lazy("measure status", "Decided")
    IN_PROGRESS = "in_progress", _("In progress")
    EVALUATED = "evaluated", _("Evaluated")
    SET_ASIDE = "set_aside", _("Set aside")


# The steps a measure may take from each status; setting aside is possible until it runs.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    MeasureStatus.PROPOSED: (MeasureStatus.PRIORITISED, MeasureStatus.SET_ASIDE),
    MeasureStatus.PRIORITISED: (
        MeasureStatus.DECIDED,
        MeasureStatus.PROPOSED,
        MeasureStatus.SET_ASIDE,
    ),
    MeasureStatus.DECIDED: (MeasureStatus.IN_PROGRESS, MeasureStatus.SET_ASIDE),
    MeasureStatus.IN_PROGRESS: (MeasureStatus.EVALUATED,),
    MeasureStatus.EVALUATED: (),
    MeasureStatus.SET_ASIDE: (MeasureStatus.PROPOSED,),
}


class Measure(Trashable):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.PROTECT, related_name="measures"
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    proposed_by = models.ForeignKey(
        Network,
        verbose_name=_("proposed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposed_measures",
        help_text=_("The working group that proposed it."),
    )
    terms = models.ManyToManyField(
        TaxonomyTerm,
        verbose_name=_("life phases and fields of action"),
        blank=True,
        related_name="measures",
        limit_choices_to={"taxonomy__code__in": COVERED_VOCABULARIES},
    )
    areas = models.ManyToManyField(
        Area,
        verbose_name=_("areas"),
        blank=True,
        related_name="measures",
        help_text=_("Empty: the whole Kommune."),
    )
    gap = models.TextField(
        _("gap addressed"), blank=True, help_text=_("The gap in words, as the group saw it.")
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
        help_text=_("The indicator the measure should move."),
    )
    impact_level = models.CharField(
        _("impact aimed at"), max_length=20, choices=ImpactLevel.choices
    )
    cost_estimate = models.DecimalField(
        _("cost estimate (EUR per year)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    lead_organization = models.ForeignKey(
        Organization,
        verbose_name=_("lead organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_measures",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MeasureStatus.choices,
        default=MeasureStatus.PROPOSED,
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
        help_text=_("The steering group's decision on it."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = NotInTrashManager.from_queryset(KommuneScopedQuerySet)()
    all_objects = KommuneScopedQuerySet.as_manager()
    history = CatalogueHistory(m2m_fields=["terms", "areas"])

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["kommune", "title"]
        indexes = [models.Index(fields=["kommune", "status"])]

    def __str__(self) -> str:
        return self.title


class StatusChange(models.Model):
    """One step of a measure's status, with its date and note."""

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="status_changes",
    )
    status = models.CharField(_("status"), max_length=20, choices=MeasureStatus.choices)
    on = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["measure", "on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.measure}: {self.get_status_display()} ({self.on})"


class Criterion(models.Model):
    """A criterion the steering group scores proposals on, as the Kommune defines it."""

    kommune = models.ForeignKey(
        Kommune,
        verbose_name=_("Kommune"),
        on_delete=models.CASCADE,
        related_name="measure_criteria",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.FloatField(
        _("weight"), default=1.0, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = KommuneScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["kommune", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kommune", "name"], name="unique_criterion_name")
        ]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """One member's score of one measure on one criterion."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    scorer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        on_delete=models.CASCADE,
        related_name="measure_scores",
    )
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    scored_at = models.DateTimeField(_("scored at"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "criterion", "scorer"], name="unique_measure_score"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCORE_MIN) & models.Q(score__lte=SCORE_MAX),
                name="score_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} / {self.criterion}: {self.score}"
