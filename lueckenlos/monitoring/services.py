"""Writing indicator definitions: the standard set every Kommune starts with.

The seeded indicators are those of the prevention-chain monitoring (see DOMAIN.md):
child poverty, Bildung-und-Teilhabe uptake, childcare rates, the school-entry exam per
domain, help for education, single parents, migration background. Seeding creates the
missing ones by code and leaves every existing indicator as the coordinator keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from lueckenlos.areas.models import Kommune
from lueckenlos.monitoring.models import Indicator

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
def seed_indicators(kommune: Kommune) -> list[Indicator]:
    """Create the standard indicators the Kommune lacks (by code); return those created.

    Existing indicators (seeded before and perhaps edited, or defined by hand) are left
    exactly as they are: seeding again never overwrites a coordinator's changes.
    """
    existing = set(Indicator.objects.filter(kommune=kommune).values_list("code", flat=True))
    created = []
    for definition in STANDARD_INDICATORS:
        if definition.code in existing:
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
        )
        indicator.full_clean()
        indicator.save()
        created.append(indicator)
    return created
