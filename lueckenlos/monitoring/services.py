"""Writing indicators: definitions, the standard set, and values in recoverable batches.

The seeded indicators are those of the prevention-chain monitoring (see DOMAIN.md):
child poverty, Bildung-und-Teilhabe uptake, childcare rates, the school-entry exam per
domain, help for education, single parents, migration background. Seeding creates the
missing ones by code and leaves every existing indicator as the coordinator keeps it.

Values change in batches (`values_apply`): an import (page or command), a manual save, or
the undoing of an earlier batch. Each batch keeps every value it replaced (ValueChange), so
it can be undone as long as no later batch changed the same values (`value_batch_undo`).
Only the demo loader (bulk, into an empty database) and the back office's admin forms write
values outside batches; an undo that would overwrite such a change is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import transaction
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.monitoring.models import (
    RESERVED_CODES,
    Indicator,
    IndicatorValue,
    ValueBatch,
    ValueChange,
)

PERCENT = "%"
PER_10000 = "je 10.000"


@dataclass(frozen=True)
class Definition:
    code: str
    name: str
    numerator: str
    denominator: str
    unit: str = PERCENT
    scale: float = 100
    higher_is_better: bool | None = None
    description: str = ""


SEU = "Schuleingangsuntersuchung"
SEU_EXAMINED = "untersuchte Kinder"

# Names in German: they are data a coordinator edits, not interface texts.
STANDARD_INDICATORS = [
    Definition(
        "SGB2_U15",
        "Kinderarmut (SGB-II-Quote unter 15 Jahren)",
        "unter 15-Jährige in Bedarfsgemeinschaften nach SGB II",
        "alle unter 15-Jährigen",
        higher_is_better=False,
    ),
    Definition(
        "BUT_TEILHABE",
        "Inanspruchnahme Bildung und Teilhabe (soziale und kulturelle Teilhabe)",
        "6- bis unter 15-Jährige im SGB II mit bewilligter Teilhabeleistung",
        "leistungsberechtigte 6- bis unter 15-Jährige",
        higher_is_better=True,
        description="Bundesdurchschnitt etwa 15 %, kommunale Spanne 0–97 %.",
    ),
    Definition(
        "BETREUUNG_U3",
        "Betreuungsquote unter 3 Jahren",
        "Kinder unter 3 Jahren in Kita oder öffentlich geförderter Kindertagespflege",
        "alle Kinder unter 3 Jahren",
        higher_is_better=True,
    ),
    Definition(
        "BETREUUNG_3_6",
        "Betreuungsquote 3 bis unter 6 Jahre",
        "Kinder von 3 bis unter 6 Jahren in Kita oder öffentlich geförderter Kindertagespflege",
        "alle Kinder von 3 bis unter 6 Jahren",
        higher_is_better=True,
    ),
    *(
        Definition(
            f"SEU_{code}",
            f"{SEU}: {name}",
            numerator,
            SEU_EXAMINED,
            higher_is_better=better,
        )
        for code, name, numerator, better in (
            ("SPRACHE", "Befund Sprache", "Kinder mit Befund in der Sprache", False),
            ("FEINMOTORIK", "Befund Feinmotorik", "Kinder mit Befund in der Feinmotorik", False),
            ("GROBMOTORIK", "Befund Grobmotorik", "Kinder mit Befund in der Grobmotorik", False),
            (
                "AUFMERKSAMKEIT",
                "Befund Aufmerksamkeit",
                "Kinder mit Befund der Aufmerksamkeit",
                False,
            ),
            ("SEHEN", "Befund Sehen", "Kinder mit Befund beim Sehen", False),
            ("HOEREN", "Befund Hören", "Kinder mit Befund beim Hören", False),
            ("UEBERGEWICHT", "Übergewicht", "Kinder mit Übergewicht", False),
            ("U9", "U9 durchgeführt", "Kinder mit durchgeführter U9", True),
            ("IMPFUNG", "Impfschutz vollständig", "Kinder mit vollständigem Impfschutz", True),
            (
                "KITA_2J",
                "Kita-Besuch über 2 Jahre (Kontext)",
                "Kinder mit mehr als 2 Jahren Kita-Besuch",
                None,
            ),
        )
    ),
    Definition(
        "HZE_U21",
        "Hilfen zur Erziehung je 10.000 unter 21-Jährige",
        "junge Menschen unter 21 Jahren mit Hilfe zur Erziehung",
        "alle unter 21-Jährigen",
        unit=PER_10000,
        scale=10000,
        higher_is_better=None,
    ),
    Definition(
        "ALLEINERZIEHEND",
        "Haushalte Alleinerziehender",
        "Haushalte Alleinerziehender mit Kindern unter 18 Jahren",
        "Haushalte mit Kindern unter 18 Jahren",
    ),
    Definition(
        "MIGRATION_U18",
        "Kinder mit Migrationshintergrund",
        "unter 18-Jährige mit Migrationshintergrund",
        "alle unter 18-Jährigen",
    ),
]


@transaction.atomic
def seed_indicators(kommune: Kommune, *, area_level: AreaLevel | None = None) -> list[Indicator]:
    """Create the standard indicators the Kommune lacks (by code); return those created.

    Existing indicators (seeded before and perhaps edited, or defined by hand) are left
    exactly as they are: seeding again never overwrites a coordinator's changes. The new
    ones are published for `area_level` (None: the coordinator chooses later).
    """
    existing = set(Indicator.objects.filter(kommune=kommune).values_list("code", flat=True))
    created = []
    for definition in STANDARD_INDICATORS:
        if definition.code in existing or definition.code.lower() in RESERVED_CODES:
            continue
        indicator = Indicator(
            kommune=kommune,
            code=definition.code,
            name=definition.name,
            description=definition.description,
            numerator_label=definition.numerator,
            denominator_label=definition.denominator,
            unit=definition.unit,
            scale=definition.scale,
            higher_is_better=definition.higher_is_better,
            area_level=area_level,
        )
        indicator.full_clean()
        indicator.save()
        created.append(indicator)
    return created


# --- definitions -------------------------------------------------------------------------

DEFINITION_FIELDS = (
    "code",
    "name",
    "description",
    "unit",
    "source",
    "numerator_label",
    "denominator_label",
    "scale",
    "area_level",
    "higher_is_better",
    "is_public",
    "target_value",
)


@transaction.atomic
def indicator_create(*, kommune: Kommune, data: dict[str, Any]) -> Indicator:
    """A new indicator of the Kommune from the definition's fields (DEFINITION_FIELDS)."""
    indicator = Indicator(kommune=kommune)
    return indicator_update(indicator=indicator, data=data)


@transaction.atomic
def indicator_update(*, indicator: Indicator, data: dict[str, Any]) -> Indicator:
    """Change the definition; the values stay as they are (ValidationError if invalid)."""
    for name in DEFINITION_FIELDS:
        if name in data:
            setattr(indicator, name, data[name])
    indicator.full_clean()
    indicator.save()
    return indicator


# --- values in batches ---------------------------------------------------------------------


class State(NamedTuple):
    """A value as stored: a number, or none with the reason; numerator and denominator."""

    value: float | None
    missing_reason: str = ""
    numerator: float | None = None
    denominator: float | None = None

    @classmethod
    def of(cls, stored: IndicatorValue) -> State:
        return cls(stored.value, stored.missing_reason, stored.numerator, stored.denominator)

    @classmethod
    def from_json(cls, data: dict | None) -> State | None:
        return None if data is None else cls(**data)

    def as_json(self) -> dict:
        return self._asdict()


# (indicator pk, area pk, reference date)
Key = tuple[int, int, dt.date]


@dataclass
class Diff:
    """What writing the wanted states would do to the stored values."""

    created: list[tuple[Key, State]] = field(default_factory=list)
    updated: list[tuple[IndicatorValue, State]] = field(default_factory=list)
    removed: list[IndicatorValue] = field(default_factory=list)
    unchanged: int = 0
    missing: int = 0  # wanted states without a number (kept with their reason)

    @property
    def changes(self) -> int:
        return len(self.created) + len(self.updated) + len(self.removed)


def _stored(keys) -> dict[Key, IndicatorValue]:
    keys = list(keys)
    if not keys:
        return {}
    found = IndicatorValue.objects.filter(
        indicator_id__in={k[0] for k in keys},
        area_id__in={k[1] for k in keys},
        reference_date__in={k[2] for k in keys},
    )
    return {(v.indicator_id, v.area_id, v.reference_date): v for v in found}


def values_diff(wanted: dict[Key, State | None]) -> Diff:
    """Compare the wanted states (None: no value) with those stored; changes nothing."""
    stored = _stored(wanted)
    diff = Diff()
    for key, state in wanted.items():
        current = stored.get(key)
        if state is not None and state.value is None:
            diff.missing += 1
        if current is None:
            if state is None:
                diff.unchanged += 1
            else:
                diff.created.append((key, state))
        elif state is None:
            diff.removed.append(current)
        elif State.of(current) != state:
            diff.updated.append((current, state))
        else:
            diff.unchanged += 1
    return diff


@transaction.atomic
def values_apply(
    *,
    kommune: Kommune,
    wanted: dict[Key, State | None],
    kind: str,
    source: str,
    acting_user=None,
) -> ValueBatch:
    """Write the wanted states as one batch that keeps what it replaced; the batch.

    The keys must be of indicators and areas of `kommune` (the callers look them up there).
    """
    diff = values_diff(wanted)
    batch = ValueBatch.objects.create(
        kommune=kommune,
        kind=kind,
        source=source[:300],
        created_by=acting_user,
        created=len(diff.created),
        updated=len(diff.updated),
        removed=len(diff.removed),
        unchanged=diff.unchanged,
        missing=diff.missing,
    )
    changes = []
    new = []
    for (indicator_id, area_id, day), state in diff.created:
        new.append(
            IndicatorValue(
                indicator_id=indicator_id, area_id=area_id, reference_date=day, **state._asdict()
            )
        )
        changes.append(
            ValueChange(
                batch=batch,
                indicator_id=indicator_id,
                area_id=area_id,
                reference_date=day,
                before=None,
                after=state.as_json(),
            )
        )
    changed = []
    for current, state in diff.updated:
        changes.append(
            ValueChange(
                batch=batch,
                indicator_id=current.indicator_id,
                area_id=current.area_id,
                reference_date=current.reference_date,
                before=State.of(current).as_json(),
                after=state.as_json(),
            )
        )
        for name, value in state._asdict().items():
            setattr(current, name, value)
        changed.append(current)
    for current in diff.removed:
        changes.append(
            ValueChange(
                batch=batch,
                indicator_id=current.indicator_id,
                area_id=current.area_id,
                reference_date=current.reference_date,
                before=State.of(current).as_json(),
                after=None,
            )
        )
    IndicatorValue.objects.bulk_create(new, batch_size=1000)
    IndicatorValue.objects.bulk_update(changed, list(State._fields), batch_size=1000)
    IndicatorValue.objects.filter(pk__in=[v.pk for v in diff.removed]).delete()
    ValueChange.objects.bulk_create(changes, batch_size=1000)
    return batch


class UndoRefused(Exception):
    """The batch cannot be undone; str(exc) says why, for the user."""


def _key(change: ValueChange) -> Key:
    return (change.indicator_id, change.area_id, change.reference_date)


def _cancelled(later: ValueBatch, batch: ValueBatch) -> bool:
    """A batch after `batch` that was undone, or the undoing of one: the two cancel out."""
    if later.undone_by_id is not None:
        return True
    try:
        return later.undoes.pk > batch.pk
    except ValueBatch.DoesNotExist:
        return False


def undo_refusal(batch: ValueBatch) -> str | None:
    """Why the batch cannot be undone now (for the confirmation page), or None."""
    try:
        _undo_checked(batch)
    except UndoRefused as refused:
        return str(refused)
    return None


def _undo_checked(batch: ValueBatch) -> dict[Key, ValueChange]:
    """The batch's changes by key, if it can be undone; UndoRefused says why not."""
    if batch.undone_by_id is not None:
        raise UndoRefused(
            _("This change was undone already (change %(number)s).")
            % {"number": batch.undone_by_id}
        )
    changes = {_key(c): c for c in batch.changes.all()}
    if not changes:
        raise UndoRefused(_("This change changed no value: there is nothing to undo."))
    later = ValueChange.objects.filter(
        batch__kommune=batch.kommune,
        batch__pk__gt=batch.pk,
        indicator_id__in={k[0] for k in changes},
        reference_date__in={k[2] for k in changes},
    ).select_related("batch__undoes")
    clashes = [c for c in later if _key(c) in changes and not _cancelled(c.batch, batch)]
    if clashes:
        numbers = sorted({c.batch_id for c in clashes})
        raise UndoRefused(
            _(
                "%(count)s of these values were changed again later (change %(numbers)s): "
                "undo the later change first, or correct the values by hand."
            )
            % {"count": len(clashes), "numbers": ", ".join(str(n) for n in numbers)}
        )
    stored = _stored(changes)
    moved = [
        key
        for key, change in changes.items()
        if (State.of(stored[key]) if key in stored else None) != State.from_json(change.after)
    ]
    if moved:
        raise UndoRefused(
            _(
                "%(count)s of these values were changed since in another way (in the back "
                "office): undoing would overwrite them. Correct the values by hand."
            )
            % {"count": len(moved)}
        )
    return changes


@transaction.atomic
def value_batch_undo(*, batch: ValueBatch, acting_user=None) -> ValueBatch:
    """Put back every value the batch replaced, as a new batch (itself undoable); that batch.

    Refused (UndoRefused) when the batch was undone already, when a later batch that is
    still in force changed one of its values, or when a value was changed outside the
    batches since (in the back office): undoing would then overwrite that later work.
    """
    batch = ValueBatch.objects.select_for_update().get(pk=batch.pk)
    changes = _undo_checked(batch)
    undo = values_apply(
        kommune=batch.kommune,
        wanted={key: State.from_json(change.before) for key, change in changes.items()},
        kind=ValueBatch.Kind.UNDO,
        source=_("Undo of change %(number)s: %(source)s")
        % {"number": batch.pk, "source": batch.source},
        acting_user=acting_user,
    )
    batch.undone_by = undo
    batch.save(update_fields=["undone_by"])
    return undo


@transaction.atomic
def indicator_values_save(
    *,
    indicator: Indicator,
    reference_date: dt.date,
    rows: dict[Area, State | None],
    acting_user=None,
) -> ValueBatch:
    """Store the values of one indicator and date, typed in per area, as one batch.

    A row None removes the area's value of that date. The areas must be the indicator's
    Kommune's (ValueError otherwise: the caller offers only those).
    """
    foreign = [a for a in rows if a.kommune_id != indicator.kommune_id]
    if foreign:
        raise ValueError(f"areas of another Kommune: {foreign}")
    return values_apply(
        kommune=indicator.kommune,
        wanted={(indicator.pk, area.pk, reference_date): state for area, state in rows.items()},
        kind=ValueBatch.Kind.MANUAL,
        source=_("Manual entry: %(code)s on %(date)s")
        % {"code": indicator.code, "date": reference_date.isoformat()},
        acting_user=acting_user,
    )
