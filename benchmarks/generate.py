"""Generated offers for the benchmarks: realistic German offers in Kommunen of square areas.

Import after `django.setup()`, into a database that is migrated and otherwise empty:

    from benchmarks.generate import generate
    report = generate(offers=100_000, kommunen=1, seed=1)

Each Kommune is a rectangle of 10 regions × 4 Planungsräume; providers have one to three
locations in it, offers one or two of them. Names and descriptions are built from word
lists (Hebammensprechstunde, Krabbelgruppe, Schwimmkurs, Erziehungsberatung ... and their
compounds) plus a long tail of rare words (street names, surnames, project names), so the
vocabulary grows with the number of offers as real text does. Everything follows from the
seed; each Kommune has its own random stream, so the parallel PostgreSQL load gives the
same data as a serial one.

The catalogue rows are written in bulk and the index is built from the same in-memory
objects by the real `build_entries`, bypassing the per-save signals: with `bulk_create`
and the real `_write` everywhere, except on PostgreSQL where both go through COPY (the index
rows laid out as `_write` lays them out). `check_index` then re-indexes a sample through
`index_offers`, the path every save takes, and compares: a generator that drifted from the
engine would be caught there, not in the figures.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import multiprocessing
import random
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, connections, transaction
from django.db.models import Model, QuerySet
from django.utils.text import slugify

from lueckenlos.areas.models import Area, AreaLevel, Kommune
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    ServiceTranslation,
    TaxonomyTerm,
)
from lueckenlos.catalogue.vocabularies import (
    ACCESS,
    FIELD_OF_ACTION,
    LIFE_PHASE,
    SETTING,
    TARGET_GROUP,
)
from lueckenlos.search.indexing import (
    AreaContext,
    Entries,
    _write,
    analyze_search_tables,
    build_entries,
    index_offers,
)
from lueckenlos.search.models import (
    OfferDocument,
    OfferFacet,
    OfferPoint,
    OfferWord,
    VocabularyWord,
)
from lueckenlos.search.text import stem

CHUNK = 5_000  # offers built, indexed and written at a time: bounds memory at any size
REGIONS = (5, 2)  # columns × rows of regions in a Kommune
QUARTERS = ("Nordwest", "Nordost", "Südwest", "Südost")  # each region's 2 × 2 Planungsräume
SINGLE_CENTRE = (52.50, 13.40)  # one Kommune: a city the size of Berlin's inner ring
SINGLE_SPAN = (0.24, 0.40)  # degrees of latitude and longitude, about 27 × 27 km
GERMANY = ((47.8, 54.6), (6.2, 14.8))  # where a grid of many Kommunen is laid out
MAX_SPAN = (0.16, 0.24)  # a Kommune of a grid, about 18 × 16 km at most
NOW = dt.datetime(2025, 1, 15, 9, 0, tzinfo=dt.UTC)
OTHER_LANGUAGES = ("tr", "ar", "uk", "ru", "en", "pl", "fa")


# --- Word lists -------------------------------------------------------------------------


def _items(text: str) -> tuple[str, ...]:
    """The entries of a list written one a line (or separated by " | ")."""
    return tuple(item.strip() for line in text.strip().splitlines() for item in line.split(" | "))


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


@dataclass(frozen=True)
class Kind:
    """A kind of offer: its names, classification, usual ages and what its texts say."""

    names: tuple[str, ...]
    phases: tuple[str, ...]
    fields: tuple[str, ...]
    targets: tuple[str, ...]
    ages: tuple[int | None, int | None]  # months, as an offer of this kind states them
    provider: str  # the kind of provider that runs it, a key of PROVIDERS
    sentences: tuple[str, ...]
    weight: int  # how common the kind is, relative to the others


def _kind(names, phases, fields, targets, ages, provider, sentences, weight=1) -> Kind:
    return Kind(
        _items(names),
        tuple(phases.split()),
        tuple(fields.split()),
        tuple(targets.split()),
        ages,
        provider,
        tuple(re.split(r"(?<=[.!?])\s+", " ".join(sentences.split()))),
        weight,
    )


# fmt: off
KINDS = (
    _kind(
        "Hebammensprechstunde | Hebammenberatung | Familienhebamme | Wochenbettbetreuung "
        "| Hebammenhilfe",
        "pregnancy infant", "health", "expectant_parents parents", (-9, 12), "practice", """
        Unsere Hebammen beraten rund um Schwangerschaft, Geburt und die ersten Lebensmonate.
        Wir kommen auch zu Ihnen nach Hause und helfen beim Stillen und bei der Pflege.
        Familienhebammen begleiten Familien in belastenden Lebenslagen bis zum ersten Geburtstag.
        """, 3,
    ),
    _kind(
        "Geburtsvorbereitungskurs | Geburtsvorbereitung für Paare | Schwangerenyoga "
        "| Rückbildungskurs",
        "pregnancy", "health", "expectant_parents", (-9, 6), "practice", """
        Im Kurs bereiten sich werdende Eltern gemeinsam auf die Geburt vor.
        Atemübungen, Entspannung und Informationen zum Ablauf der Geburt.
        """,
    ),
    _kind(
        "Krabbelgruppe | Spielgruppe | Eltern-Kind-Gruppe | Babytreff | Pekip-Gruppe "
        "| Kleinkindgruppe",
        "infant", "parenting_family", "parents children", (3, 36), "welfare", """
        In unserer Krabbelgruppe treffen sich Eltern mit Babys und Kleinkindern zum Spielen,
        Singen und Austauschen.
        Die Kinder entdecken mit allen Sinnen, die Eltern finden Kontakt zu anderen Familien.
        Fachkräfte stehen für Fragen zu Entwicklung, Schlaf und Ernährung bereit.
        """, 4,
    ),
    _kind(
        "Babyschwimmen | Schwimmkurs | Seepferdchenkurs | Wassergewöhnung | Schwimmschule",
        "infant preschool primary", "culture_sport_leisure health", "children", (4, 120),
        "sport", """
        Kinder lernen spielerisch schwimmen und erwerben das Seepferdchen.
        Kleine Gruppen mit erfahrenen Schwimmlehrerinnen im Hallenbad.
        Badekappe und Handtuch bitte mitbringen.
        """, 3,
    ),
    _kind(
        "Erziehungsberatung | Familienberatung | Erziehungs- und Familienberatung "
        "| Elternberatung | Trennungs- und Scheidungsberatung",
        "infant preschool primary secondary", "counselling parenting_family",
        "parents single_parents", (None, 216), "welfare", """
        Die Beratungsstelle unterstützt Eltern bei Fragen zur Erziehung, bei Konflikten in der
        Familie und bei Trennung und Scheidung.
        Die Beratung ist vertraulich und kostenfrei; Termine auch kurzfristig.
        Kinder und Jugendliche können sich auch allein an uns wenden.
        """, 3,
    ),
    _kind(
        "Sprachförderung | Sprachkita | Deutschkurs für Eltern | Sprachcafé "
        "| Rucksack-Programm | Mama lernt Deutsch",
        "preschool primary", "education", "migrant_families children", (36, 120),
        "education", """
        Kinder erweitern ihren Wortschatz mit Liedern, Bilderbüchern und Spielen.
        Eltern lernen Deutsch und erfahren, wie sie ihr Kind beim Sprechenlernen begleiten.
        Mehrsprachigkeit ist bei uns willkommen.
        """, 3,
    ),
    _kind(
        "Elterncafé | Familiencafé | Vätertreff | Müttertreff | Alleinerziehendentreff "
        "| Familienfrühstück",
        "infant preschool", "parenting_family", "parents single_parents", (None, 72),
        "welfare", """
        Ein offener Treffpunkt für Eltern mit Kaffee, Gesprächen und Spielecke für die Kinder.
        Ohne Anmeldung, einfach vorbeikommen.
        Einmal im Monat kommt eine Fachkraft zu einem Thema wie Schlaf, Zähne oder Kita.
        """, 3,
    ),
    _kind(
        "Hausaufgabenhilfe | Lernhilfe | Nachhilfe | Lernwerkstatt | Lesepatenschaft "
        "| Mathe-Förderung",
        "primary secondary", "education", "children families_in_poverty", (72, 192),
        "education", """
        Ehrenamtliche und Lehramtsstudierende helfen bei den Hausaufgaben und bereiten auf
        Klassenarbeiten vor.
        Nachhilfe in Mathematik, Deutsch und Englisch in kleinen Gruppen.
        Die Kosten können über Bildung und Teilhabe übernommen werden.
        """, 4,
    ),
    _kind(
        "Logopädie | Ergotherapie | Frühförderung | Physiotherapie für Kinder "
        "| Heilpädagogische Frühförderung | Sprachtherapie",
        "infant preschool primary", "health", "disability children", (0, 120), "practice", """
        Therapie bei Sprach-, Sprech- und Schluckstörungen und bei Entwicklungsverzögerungen.
        Behandlung auf ärztliche Verordnung, alle Kassen.
        Die interdisziplinäre Frühförderstelle berät Eltern von Kindern mit Behinderung.
        """, 2,
    ),
    _kind(
        "Familienzentrum | Stadtteilzentrum | Nachbarschaftszentrum | Mehrgenerationenhaus "
        "| Familienbüro",
        "pregnancy infant preschool primary", "parenting_family counselling",
        "parents children", (None, 144), "welfare", """
        Das Familienzentrum ist Anlaufstelle für alle Familien im Stadtteil: Beratung, Kurse,
        offene Treffs und Feste.
        Wir vermitteln weiter, wenn wir selbst nicht helfen können.
        Das Familienbüro informiert über Kitaplätze, Elterngeld und Kinderzuschlag.
        """, 2,
    ),
    _kind(
        "Jugendclub | Jugendfreizeiteinrichtung | Jugendtreff | Mädchentreff | Jungentreff "
        "| Abenteuerspielplatz",
        "primary secondary", "youth_welfare culture_sport_leisure", "young_people children",
        (96, 216), "public", """
        Offene Kinder- und Jugendarbeit mit Billard, Tischtennis, Musikraum und Küche.
        Die Pädagoginnen und Pädagogen haben ein offenes Ohr für Sorgen und Fragen.
        In den Ferien gibt es Ausflüge und ein Ferienprogramm.
        """, 3,
    ),
    _kind(
        "Berufsorientierung | Bewerbungstraining | Ausbildungsberatung | Jugendberufsagentur "
        "| Berufseinstiegsbegleitung | Praktikumsbörse",
        "secondary transition_work", "education counselling", "young_people", (168, 324),
        "public", """
        Jugendliche finden heraus, welcher Beruf zu ihnen passt, und üben Bewerbungen.
        Beratung zu Ausbildung, Studium und Freiwilligendienst.
        Wir begleiten beim Übergang von der Schule in den Beruf.
        """, 2,
    ),
    _kind(
        "Schuldnerberatung | Sozialberatung | Beratung zu Bildung und Teilhabe "
        "| Wohngeldberatung | Migrationsberatung",
        "", "social_security counselling", "families_in_poverty migrant_families",
        (None, None), "welfare", """
        Hilfe bei Anträgen auf Bürgergeld, Wohngeld, Kinderzuschlag und Bildung und Teilhabe.
        Wir unterstützen bei Schulden und im Umgang mit Behörden.
        Beratung auch in Türkisch, Arabisch und Russisch.
        """, 2,
    ),
    _kind(
        "Musikschule | Kinderchor | Theatergruppe | Tanzkurs | Fußballverein | Kinderturnen "
        "| Malkurs | Zirkusschule | Töpferkurs",
        "preschool primary secondary", "culture_sport_leisure", "children", (36, 216),
        "sport", """
        Wöchentliches Training für Kinder und Jugendliche, Anfänger sind willkommen.
        Auftritte beim Stadtteilfest und ein Sommercamp in den Ferien.
        Instrumente können ausgeliehen werden; eine Probestunde ist kostenlos.
        """, 4,
    ),
    _kind(
        "Frühe Hilfen | Kinderschutz-Beratung | Willkommensbesuch für Neugeborene "
        "| Babylotsen | Insoweit erfahrene Fachkraft",
        "pregnancy infant", "child_protection youth_welfare", "parents expectant_parents",
        (-9, 36), "public", """
        Die Frühen Hilfen begleiten Familien vom ersten Tag an und vermitteln passende
        Unterstützung.
        Babylotsinnen sprechen Familien schon in der Geburtsklinik an.
        Fachkräfte erhalten Beratung bei Sorge um das Wohl eines Kindes.
        """,
    ),
    _kind(
        "Vorlesestunde | Bilderbuchkino | Leseförderung | Bibliotheksführung für Kitas",
        "preschool primary", "education culture_sport_leisure", "children", (36, 120),
        "public", """
        Jeden Mittwoch lesen Ehrenamtliche in der Stadtteilbibliothek vor.
        Kitagruppen und Schulklassen lernen die Bibliothek kennen.
        """,
    ),
    _kind(
        "Stillberatung | Schreibabyambulanz | Schlafberatung für Eltern | Trageberatung",
        "infant", "health counselling", "parents", (0, 24), "practice", """
        Beratung, wenn das Baby viel schreit, schlecht schläft oder das Stillen schwerfällt.
        Termine nach Vereinbarung, auch als Hausbesuch.
        """,
    ),
    _kind(
        "Schulsozialarbeit | Schulstation | Ganztagsangebot | Kinderparlament | Schülerfirma",
        "primary secondary", "youth_welfare participation", "children", (72, 192),
        "education", """
        Die Schulsozialarbeit ist Ansprechpartner für Schülerinnen, Schüler und Eltern.
        Im Kinderparlament bestimmen Kinder über Projekte in ihrem Stadtteil mit.
        """, 2,
    ),
    _kind(
        "Kita | Kindertagesstätte | Kindertagespflege | Waldkindergarten | Krippe | Hort",
        "infant preschool", "education", "children", (8, 72), "education", """
        Betreuung von Kindern ab acht Wochen bis zum Schuleintritt.
        Unser pädagogisches Konzept: situationsorientiert, bewegungsfreundlich, mit eigenem Garten.
        Freie Plätze bitte über das Kitaportal anfragen.
        """, 4,
    ),
)

# First halves of compounds ("Väter" + "treff"): life phases and the field they bring.
TOPICS = tuple(
    (topic.strip(), tuple(phases.split()), field_code.strip())
    for topic, phases, field_code in (line.split(":") for line in _items("""
        Schwimm: preschool primary: culture_sport_leisure
        Eltern: infant preschool: parenting_family
        Väter: infant preschool primary: parenting_family
        Mütter: infant preschool: parenting_family
        Baby: infant: health
        Kleinkind: infant: parenting_family
        Kinder: preschool primary: culture_sport_leisure
        Jugend: secondary transition_work: youth_welfare
        Mädchen: secondary: youth_welfare
        Familien: infant preschool primary: parenting_family
        Sprach: preschool: education
        Lese: primary: education
        Lern: primary secondary: education
        Musik: preschool primary: culture_sport_leisure
        Tanz: primary secondary: culture_sport_leisure
        Theater: primary secondary: culture_sport_leisure
        Koch: primary secondary: health
        Ernährungs: infant preschool: health
        Bewegungs: preschool primary: health
        Natur: preschool primary: culture_sport_leisure
        Wald: preschool: culture_sport_leisure
        Medien: secondary: education
        Computer: secondary: education
        Berufs: transition_work: education
        Erziehungs: preschool primary: counselling
        Trennungs: primary secondary: counselling
        Sucht: secondary transition_work: health
        Still: infant: health
        Kiez: primary secondary: participation
        Ferien: primary secondary: culture_sport_leisure
    """))
)
BASES = _items("""
    kurs | gruppe | treff | beratung | café | sprechstunde | werkstatt | club | förderung
    hilfe | projekt | training | frühstück | abend | nachmittag | zeit | spiele | garten
    camp | labor
""")
NAME_PREFIXES = ("Mini-", "Sommer-", "Kiez-", "Offene ", "Interkulturelle ", "Inklusive ")
NAME_SUFFIXES = tuple(" " + item for item in _items("""
    für Eltern und Kinder | im Stadtteil | am Nachmittag | für Alleinerziehende
    für Anfänger | für Fortgeschrittene | in den Ferien | am Wochenende | – offene Gruppe
    auf Türkisch | auf Arabisch | mit Kinderbetreuung
"""))
AUDIENCES = _items("""
    Familien mit Kindern bis drei Jahre | Kinder im Kitaalter | Grundschulkinder
    Jugendliche ab zwölf Jahren | werdende Eltern | Alleinerziehende | Väter
    Familien mit Fluchtgeschichte | Großeltern und Enkel
    Eltern von Kindern mit Behinderung | junge Erwachsene bis 27 Jahre
    alle Familien im Stadtteil
""")
FREQUENCIES = _items("""
    jeden Montag | dienstags und donnerstags | einmal im Monat | jeden Mittwochnachmittag
    freitags | in den Schulferien | nach Vereinbarung | wöchentlich | alle zwei Wochen
""")
REGISTRATION = _items("""
    Eine Anmeldung ist nicht nötig.
    Bitte melden Sie sich telefonisch an.
    Anmeldung per E-Mail, die Plätze sind begrenzt.
    Es gibt eine Warteliste.
    Einfach vorbeikommen, die erste Stunde ist ein Schnuppertermin.
""")
COST_TEXTS = _items("""
    Die Teilnahme ist kostenlos.
    Es wird ein kleiner Beitrag erhoben.
    Die Kosten übernimmt bei Anspruch das Bildungspaket.
    Der Kurs wird von den Krankenkassen bezuschusst.
    Für Familien mit geringem Einkommen gibt es Ermäßigung.
""")
FUNDERS = _items("""
    das Jugendamt | den Landkreis | die Stiftung Kinderglück | das Bundesprogramm Sprach-Kitas
    die Aktion Mensch | den Europäischen Sozialfonds | die Stadt | den Bezirk
    das Landesprogramm Frühe Hilfen | eine private Spende
""")
FANCY = _items("""
    Regenbogen | Sonnenschein | Pusteblume | Kunterbunt | Löwenzahn | Abenteuerland
    Schatzkiste | Lichtblick | Kinderwelt | Sternschnuppe | Spatzennest | Wirbelwind
    Villa Kunterbunt | Arche | Leuchtturm | Brückenschlag | Weitblick | Zauberwald
    Kleine Strolche | Buntstift | Seepferdchen | Wolkenschloss | Marienkäfer
""")
COLOURS = ("Blau", "Weiß", "Rot", "Grün", "Gelb", "Schwarz", "Gold")
# Providers by kind: name patterns ({F} a fancy name, {R} a region, {K} the Kommune, {S} a
# surname, {W} a rare word, {C} a colour) and the type of provider.
PROVIDERS = {
    "practice": ("Praxis", _items("""
        Hebammenpraxis {S} | Praxis für Logopädie {S} | Ergotherapie {S} & {S2}
        Hebammengemeinschaft {F} | Kinderarztpraxis Dr. {S} | Sozialpädiatrisches Zentrum {K}
        Frühförderstelle {F} | Physiotherapie am {W}platz
    """)),
    "welfare": ("Wohlfahrtsverband", _items("""
        AWO Kreisverband {K} | Caritasverband {K} e.V. | Diakonisches Werk {R}
        DRK Ortsverein {R} | Familienzentrum {F} e.V. | Nachbarschaftsheim {R} e.V.
        Der Paritätische – Familienhilfe {F} e.V. | Evangelische Kirchengemeinde {W}
        Katholische Familienbildungsstätte {K} | Verein für Familien in {R} e.V.
    """)),
    "sport": ("Verein", _items("""
        SV {C}-{C2} {R} e.V. | TSV {W} 1890 e.V. | Musikschule {K} | Tanzschule {S}
        Theater {F} e.V. | Zirkus {F} e.V. | Schwimmverein {R} e.V. | Jugendkunstschule {K}
        Malschule {F}
    """)),
    "education": ("freier Träger", _items("""
        Kita {F} gGmbH | Grundschule am {W}park | {W}-Gymnasium | Förderverein {F} e.V.
        Volkshochschule {K} | Lernhaus {F} e.V. | Kindergarten {F}
        Integrierte Sekundarschule {R} | Bildungswerk {K}
    """)),
    "public": ("öffentlicher Träger", _items("""
        Jugendamt {K} | Gesundheitsamt {K} | Stadtteilbibliothek {R}
        Jugendfreizeiteinrichtung {F} | Jugendberufsagentur {K}
        Koordinierungsstelle Frühe Hilfen {K} | Bürgeramt {R}
    """)),
}
# Where offers take place; {P} is the provider's own name.
SITE_NAMES = _items("""
    {P} | {P} | Familienzentrum {F} | Stadtteilzentrum {R} | Haus am {W}platz
    Gemeindehaus {W} | Hallenbad {R} | Kita {F} | Grundschule am {W}park | Jugendhaus {F}
    Bibliothek {R} | Sporthalle {W}straße
""")
STREET_ENDINGS = ("straße", "weg", "allee", "platz", "ring", "damm", "gasse", "ufer")
SURNAMES = _items("""
    Müller | Schmidt | Schneider | Fischer | Weber | Meyer | Wagner | Becker | Schulz
    Hoffmann | Koch | Richter | Klein | Wolf | Schröder | Neumann | Schwarz | Zimmermann
    Braun | Krüger | Hofmann | Hartmann | Lange | Werner | Yılmaz | Kaya | Demir | Şahin
    Çelik | Öztürk | Nowak | Kowalski | Popescu | Petrenko | Kovalenko | Ivanova | Haddad
    Al-Hassan | Nguyen | Rossi
""")
SYLLABLES = _words("""
    ber gen stein wald bach dorf feld hof heim burg au tal see brunn lin den ro sen mar kirch
    ler hau wie ten gar ka mer lan dach es chen fal ken hor ster wei ei che lo ha ne mo ri
    sa tel rei nitz witz bur ger ham el fur ling mann sau bre mels
""")
REGION_NAMES = _items("""
    Altstadt | Neustadt | Lindenhof | Rosenthal | Mühlenviertel | Eichenau | Birkenfeld
    Am Hafen | Schlossberg | Wiesengrund | Sonnenhang | Kastanienhain | Gartenstadt
    Bahnhofsviertel | Weidendamm | Ostend | Westend | Nordstadt | Südstadt | Auenviertel
""")
TRANSLATED_NAMES = {  # a few offers carry a name in another interface language
    "en": ("Swimming course", "Parent café", "Homework help", "Counselling for parents"),
    "tr": ("Yüzme kursu", "Ebeveyn kafesi", "Ödev yardımı", "Aile danışmanlığı"),
    "ar": ("دورة سباحة", "مقهى الآباء", "مساعدة في الواجبات"),
    "uk": ("Курс плавання", "Кафе для батьків", "Допомога з домашнім завданням"),
}
# fmt: on


# --- The shape of the data ----------------------------------------------------------------


@dataclass
class Quarter:
    """A Planungsraum: a square of a region, where locations are placed."""

    area_id: int
    name: str
    south: float
    west: float
    north: float
    east: float


@dataclass
class Layout:
    """A generated Kommune and its smallest areas."""

    index: int
    kommune_id: int
    name: str
    slug: str
    quarters: list[Quarter]
    region_names: list[str]

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        return (
            min(q.south for q in self.quarters),
            min(q.west for q in self.quarters),
            max(q.north for q in self.quarters),
            max(q.east for q in self.quarters),
        )


@dataclass
class Chunk:
    """The catalogue rows of some offers, with their providers and locations."""

    organizations: list[Organization] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    links: list[ServiceAtLocation] = field(default_factory=list)
    term_links: list[Model] = field(default_factory=list)
    languages: list[ServiceLanguage] = field(default_factory=list)
    costs: list[CostOption] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    translations: list[ServiceTranslation] = field(default_factory=list)

    def in_write_order(self) -> list[tuple[type[Model], list[Model]]]:
        return [
            (Organization, self.organizations),
            (Location, self.locations),
            (Service, self.services),
            (ServiceAtLocation, self.links),
            (Service.terms.through, self.term_links),
            (ServiceLanguage, self.languages),
            (CostOption, self.costs),
            (Schedule, self.schedules),
            (ServiceTranslation, self.translations),
        ]


@dataclass
class Timings:
    offers: int = 0
    indexed: int = 0
    build: float = 0.0  # catalogue objects in memory
    entries: float = 0.0  # build_entries
    write: float = 0.0  # catalogue and index rows to the database
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, other: Timings) -> None:
        self.offers += other.offers
        self.indexed += other.indexed
        self.build += other.build
        self.entries += other.entries
        self.write += other.write
        for table, count in other.rows.items():
            self.rows[table] = self.rows.get(table, 0) + count


@dataclass
class Report:
    layouts: list[Layout]
    timings: Timings
    setup_seconds: float
    finish_seconds: float  # index rebuild and statistics (PostgreSQL)
    wall_seconds: float
    jobs: int

    def lines(self) -> list[str]:
        t = self.timings
        lines = [
            f"generated {t.offers:,} offers ({t.indexed:,} active, indexed) in "
            f"{len(self.layouts)} Kommunen: {self.wall_seconds:.0f} s wall time, "
            f"{self.jobs} process(es)",
            f"  Kommunen and areas {self.setup_seconds:.1f} s; then, summed over processes: "
            f"catalogue objects {t.build:.0f} s, build_entries {t.entries:.0f} s, "
            f"writing {t.write:.0f} s",
        ]
        if self.finish_seconds:
            lines.append(f"  indexes and statistics afterwards {self.finish_seconds:.0f} s")
        rows = ", ".join(f"{table} {count:,}" for table, count in sorted(t.rows.items()))
        lines.append(f"  rows: {rows}")
        return lines


# --- Random helpers -----------------------------------------------------------------------


class Words:
    """A long tail of invented words (place and project names), drawn Zipf-like: a few
    often, most rarely, as in real text."""

    def __init__(self, seed: int, count: int = 40_000):
        rng = random.Random(seed)
        found: dict[str, None] = {}
        while len(found) < count:
            parts = rng.choices(SYLLABLES, k=rng.choice((2, 2, 3, 3, 4)))
            found["".join(parts).capitalize()] = None
        self.words = list(found)
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(count)))

    def pick(self, rng: random.Random) -> str:
        index = bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])
        return self.words[min(index, len(self.words) - 1)]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _fill(
    pattern: str, rng: random.Random, words: Words, layout: Layout, region: str, provider: str = ""
) -> str:
    values = {
        "P": provider,
        "F": rng.choice(FANCY),
        "R": region,
        "K": layout.name,
        "S": rng.choice(SURNAMES),
        "S2": rng.choice(SURNAMES),
        "W": words.pick(rng),
        "C": rng.choice(COLOURS),
        "C2": rng.choice(COLOURS),
    }
    return pattern.format(**values)


# --- Kommunen and areas -----------------------------------------------------------------


def _kommune_frames(count: int) -> list[tuple[float, float, float, float]]:
    """(south, west, lat span, lon span) of each Kommune: one city, or a grid over Germany."""
    if count == 1:
        (lat, lon), (dlat, dlon) = SINGLE_CENTRE, SINGLE_SPAN
        return [(lat - dlat / 2, lon - dlon / 2, dlat, dlon)]
    columns = math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    (south, north), (west, east) = GERMANY
    cell_lat, cell_lon = (north - south) / rows, (east - west) / columns
    dlat, dlon = min(cell_lat * 0.8, MAX_SPAN[0]), min(cell_lon * 0.8, MAX_SPAN[1])
    return [
        (south + (i // columns) * cell_lat, west + (i % columns) * cell_lon, dlat, dlon)
        for i in range(count)
    ]


def _square(south: float, west: float, north: float, east: float) -> dict:
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in ring]]}


def _square_m2(south: float, west: float, north: float, east: float) -> float:
    middle = math.radians((south + north) / 2)
    return (north - south) * 111_320 * (east - west) * 111_320 * math.cos(middle)


def create_kommunen(count: int, seed: int, words: Words) -> list[Layout]:
    """Kommunen with two levels of square areas: 10 regions of 4 Planungsräume each."""
    rng = random.Random(seed)
    layouts = []
    used_slugs: set[str] = set()
    for index, (south, west, dlat, dlon) in enumerate(_kommune_frames(count)):
        if count == 1:
            name = "Lückenstadt"
        else:
            name = words.words[index * 7 + 3] + rng.choice(
                ("burg", "hausen", "dorf", "feld", "stadt")
            )
        slug = slugify(name.replace("ü", "ue").replace("ö", "oe").replace("ä", "ae"))
        if slug in used_slugs:
            slug = f"{slug}-{index}"
        used_slugs.add(slug)
        kommune = Kommune.objects.create(
            name=name,
            slug=slug,
            kind=Kommune.Kind.CITY,
            boundary=_square(south, west, south + dlat, west + dlon),
        )
        region_level = AreaLevel.objects.create(
            kommune=kommune, name="Region", name_plural="Regionen", depth=0
        )
        quarter_level = AreaLevel.objects.create(
            kommune=kommune, name="Planungsraum", name_plural="Planungsräume", depth=1
        )
        region_names = rng.sample(REGION_NAMES, REGIONS[0] * REGIONS[1])
        columns, rows = REGIONS
        rlat, rlon = dlat / rows, dlon / columns
        regions, quarters = [], []
        for r, region_name in enumerate(region_names):
            r_south, r_west = south + (r // columns) * rlat, west + (r % columns) * rlon
            bounds = (r_south, r_west, r_south + rlat, r_west + rlon)
            code = f"{r + 1:02d}"
            regions.append(
                Area(
                    kommune=kommune,
                    level=region_level,
                    code=code,
                    name=region_name,
                    path=f"{code}/",
                    boundary=_square(*bounds),
                    min_lat=bounds[0],
                    min_lon=bounds[1],
                    max_lat=bounds[2],
                    max_lon=bounds[3],
                    area_m2=_square_m2(*bounds),
                )
            )
        Area.objects.bulk_create(regions)
        regions = list(Area.objects.filter(kommune=kommune, level=region_level).order_by("path"))
        for region in regions:
            for q, quarter_name in enumerate(QUARTERS):
                q_south = region.min_lat + (0 if q >= 2 else rlat / 2)
                q_west = region.min_lon + (rlon / 2 if q % 2 else 0)
                bounds = (q_south, q_west, q_south + rlat / 2, q_west + rlon / 2)
                code = f"{region.code}{q + 1:02d}"
                quarters.append(
                    Area(
                        kommune=kommune,
                        level=quarter_level,
                        parent=region,
                        code=code,
                        name=f"{region.name}-{quarter_name}",
                        path=f"{region.path}{code}/",
                        boundary=_square(*bounds),
                        min_lat=bounds[0],
                        min_lon=bounds[1],
                        max_lat=bounds[2],
                        max_lon=bounds[3],
                        area_m2=_square_m2(*bounds),
                    )
                )
        Area.objects.bulk_create(quarters)
        stored = Area.objects.filter(kommune=kommune, level=quarter_level).order_by("path")
        layouts.append(
            Layout(
                index=index,
                kommune_id=kommune.pk,
                name=name,
                slug=slug,
                quarters=[
                    Quarter(a.pk, a.name, a.min_lat, a.min_lon, a.max_lat, a.max_lon)
                    for a in stored
                ],
                region_names=region_names,
            )
        )
    return layouts


def create_layouts_from_database() -> list[Layout]:
    """The layouts of Kommunen generated before (to measure again without generating)."""
    layouts = []
    kommunen = Kommune.objects.filter(services__external_id__startswith="bench-").distinct()
    for index, kommune in enumerate(kommunen.order_by("pk")):
        areas = list(Area.objects.filter(kommune=kommune).select_related("level").order_by("path"))
        layouts.append(
            Layout(
                index=index,
                kommune_id=kommune.pk,
                name=kommune.name,
                slug=kommune.slug,
                quarters=[
                    Quarter(a.pk, a.name, a.min_lat, a.min_lon, a.max_lat, a.max_lon)
                    for a in areas
                    if a.level.depth == 1
                ],
                region_names=[a.name for a in areas if a.level.depth == 0],
            )
        )
    return layouts


# --- Offers -------------------------------------------------------------------------------


def _prefetched(model: type[Model], items: list) -> QuerySet:
    """A queryset that answers from `items`, as prefetch_related leaves one behind."""
    queryset = model._default_manager.none()
    queryset._result_cache = items
    queryset._prefetch_done = True
    return queryset


class OfferBuilder:
    """Builds one Kommune's offers chunk by chunk, from its own random stream."""

    def __init__(
        self, layout: Layout, seed: int, words: Words, terms: dict[tuple[str, str], TaxonomyTerm]
    ):
        self.layout = layout
        self.rng = random.Random(seed * 1_000_003 + layout.index)
        self.words = words
        self.terms = terms
        self.kind_weights = list(itertools.accumulate(kind.weight for kind in KINDS))
        self.serial = 0

    def _term(self, taxonomy: str, code: str) -> TaxonomyTerm:
        return self.terms[(taxonomy, code)]

    def _point(self, quarter: Quarter, near: tuple[float, float] | None) -> tuple[float, float]:
        rng = self.rng
        if near and rng.random() < 0.7:  # a provider's sites lie close together
            lat = min(max(near[0] + rng.uniform(-0.01, 0.01), quarter.south), quarter.north)
            lon = min(max(near[1] + rng.uniform(-0.015, 0.015), quarter.west), quarter.east)
            return round(lat, 6), round(lon, 6)
        return (
            round(rng.uniform(quarter.south, quarter.north), 6),
            round(rng.uniform(quarter.west, quarter.east), 6),
        )

    def _providers(self, chunk: Chunk, count: int) -> dict[str, list]:
        """Providers of every kind with their sites; the first of a list run the most."""
        rng, layout = self.rng, self.layout
        by_kind: dict[str, list] = {}
        kommune_id = layout.kommune_id
        for kind_key, (provider_type, patterns) in PROVIDERS.items():
            providers = []
            for _ in range(count):
                home = rng.choice(layout.quarters)
                region = home.name.rsplit("-", 1)[0]
                name = _fill(rng.choice(patterns), rng, self.words, layout, region)
                organization = Organization(
                    id=_uuid(rng),
                    kommune_id=kommune_id,
                    name=name,
                    provider_type=provider_type,
                    email=f"kontakt{self.serial}@traeger.example",
                    website=f"https://traeger{self.serial}.example/",
                    description=f"Seit {rng.randint(1950, 2020)} in {layout.name} tätig.",
                    is_example=True,
                )
                self.serial += 1
                chunk.organizations.append(organization)
                sites = []
                centre = None
                for _site in range(rng.choice((1, 1, 1, 2, 2, 3))):
                    quarter = home if rng.random() < 0.6 else rng.choice(layout.quarters)
                    lat, lon = self._point(quarter, centre)
                    centre = centre or (lat, lon)
                    street = self.words.pick(rng) + rng.choice(STREET_ENDINGS)
                    site_name = _fill(rng.choice(SITE_NAMES), rng, self.words, layout, region, name)
                    wheelchair = rng.choices(
                        ("yes", "partial", "no", ""), weights=(30, 10, 10, 50)
                    )[0]
                    location = Location(
                        id=_uuid(rng),
                        kommune_id=kommune_id,
                        organization_id=organization.pk,
                        name=site_name,
                        address_1=f"{street} {rng.randint(1, 180)}",
                        postal_code=f"{10 + layout.index % 89:02d}{rng.randint(100, 999)}",
                        city=layout.name,
                        latitude=lat,
                        longitude=lon,
                        area_id=quarter.area_id,
                        wheelchair=wheelchair,
                    )
                    chunk.locations.append(location)
                    sites.append(location)
                providers.append((organization, sites))
            by_kind[kind_key] = providers
        return by_kind

    def chunk(self, count: int) -> Chunk:
        rng = self.rng
        chunk = Chunk()
        providers = self._providers(chunk, max(2, count // 40))
        # Zipf-like: the big providers run many offers, most run a few.
        provider_weights = {
            key: list(itertools.accumulate(1 / (rank + 1) for rank in range(len(values))))
            for key, values in providers.items()
        }
        for _ in range(count):
            kind = KINDS[
                bisect.bisect_left(self.kind_weights, rng.random() * self.kind_weights[-1])
            ]
            weights = provider_weights[kind.provider]
            organization, sites = providers[kind.provider][
                min(bisect.bisect_left(weights, rng.random() * weights[-1]), len(weights) - 1)
            ]
            self._offer(chunk, kind, organization, sites)
        return chunk

    def _name(self, kind: Kind, region: str) -> tuple[str, tuple[str, ...], str | None]:
        """A name, the life phases a compound name adds, and the field it adds."""
        rng = self.rng
        phases: tuple[str, ...] = ()
        extra_field = None
        if rng.random() < 0.35:
            topic, phases, extra_field = rng.choice(TOPICS)
            name = topic + rng.choice(BASES)
        else:
            name = rng.choice(kind.names)
        roll = rng.random()
        if roll < 0.15:
            name = rng.choice(NAME_PREFIXES) + name
        elif roll < 0.45:
            name += rng.choice(NAME_SUFFIXES)
        elif roll < 0.65:
            name += f" {region}"
        elif roll < 0.72:
            name += f" „{self.words.pick(rng)}“"
        return name, phases, extra_field

    def _description(self, kind: Kind, region: str, site: Location) -> str:
        rng = self.rng
        sentences = rng.sample(kind.sentences, k=rng.randint(1, len(kind.sentences)))
        sentences.append(f"Das Angebot richtet sich an {rng.choice(AUDIENCES)}.")
        if rng.random() < 0.7:
            sentences.append(
                f"Wir treffen uns {rng.choice(FREQUENCIES)} in {site.name}, {site.address_1}."
            )
        sentences.append(rng.choice(REGISTRATION))
        if rng.random() < 0.5:
            sentences.append(rng.choice(COST_TEXTS))
        if rng.random() < 0.4:
            sentences.append(f"Ansprechpartnerin: Frau {rng.choice(SURNAMES)}.")
        if rng.random() < 0.3:
            sentences.append(f"Gefördert durch {rng.choice(FUNDERS)}.")
        if rng.random() < 0.3:
            sentences.append(
                f"In Zusammenarbeit mit dem Projekt {self.words.pick(rng)} in {region}."
            )
        return " ".join(sentences)

    def _offer(self, chunk: Chunk, kind: Kind, organization: Organization, sites: list) -> None:
        rng, layout = self.rng, self.layout
        places = rng.sample(sites, k=min(len(sites), 2 if rng.random() < 0.2 else 1))
        region = next(q.name for q in layout.quarters if q.area_id == places[0].area_id)
        region = region.rsplit("-", 1)[0]
        name, topic_phases, topic_field = self._name(kind, region)
        phases = list(dict.fromkeys(topic_phases or kind.phases))
        if len(phases) > 2 and rng.random() < 0.5:
            phases = rng.sample(phases, 2)
        low, high = kind.ages
        min_age = max_age = None
        if rng.random() < 0.6 and (low is not None or high is not None):
            min_age = None if low is None else max(0, low + rng.randint(-2, 6))
            max_age = None if high is None else high + rng.randint(-6, 12)
            if min_age is not None and max_age is not None and min_age >= max_age:
                max_age = min_age + 12
        status = rng.choices(
            (Service.Status.ACTIVE, Service.Status.INACTIVE, Service.Status.DRAFT),
            weights=(95, 3, 2),
        )[0]
        service = Service(
            id=_uuid(rng),
            kommune_id=layout.kommune_id,
            organization=organization,
            name=name[:300],
            description=self._description(kind, region, places[0]),
            url=f"https://angebote.example/{layout.slug}/{self.serial}",
            status=status,
            min_age_months=min_age,
            max_age_months=max_age,
            eligibility_description=(f"Für {rng.choice(AUDIENCES)}." if rng.random() < 0.3 else ""),
            application_process=rng.choice(REGISTRATION),
            last_confirmed=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 380)),
            source="Generiert für den Suchbenchmark",
            external_id=f"bench-{layout.index}-{self.serial}",
            is_example=True,
            created_at=NOW,
            updated_at=NOW,
        )
        self.serial += 1
        chunk.services.append(service)
        # The field and target groups of the kind, and now and then an access or setting term.
        terms = [self._term(LIFE_PHASE, code) for code in phases]
        fields = list(kind.fields[: rng.randint(1, len(kind.fields))])
        if topic_field and topic_field not in fields:
            fields.append(topic_field)
        terms += [self._term(FIELD_OF_ACTION, code) for code in fields]
        terms += [
            self._term(TARGET_GROUP, code)
            for code in rng.sample(kind.targets, k=rng.randint(1, len(kind.targets)))
        ]
        if rng.random() < 0.3:
            terms.append(self._term(ACCESS, rng.choice(("low_threshold", "outreach"))))
        if rng.random() < 0.2:
            terms.append(self._term(SETTING, rng.choice(("family", "neighbourhood", "school"))))
        for term in terms:
            chunk.term_links.append(
                Service.terms.through(service_id=service.pk, taxonomyterm_id=term.pk)
            )
        for place in places:
            chunk.links.append(
                ServiceAtLocation(id=_uuid(rng), service_id=service.pk, location_id=place.pk)
            )
        codes = ["de"]
        if rng.random() < 0.25:
            codes += rng.sample(OTHER_LANGUAGES, k=rng.choice((1, 1, 2, 3)))
        languages = [ServiceLanguage(service_id=service.pk, code=code) for code in codes]
        chunk.languages += languages
        roll = rng.random()
        if roll < 0.5:
            costs = [CostOption(id=_uuid(rng), service_id=service.pk, kind="free")]
        elif roll < 0.85:
            costs = [
                CostOption(
                    id=_uuid(rng),
                    service_id=service.pk,
                    kind="fee",
                    amount=Decimal(rng.choice((5, 10, 25, 40, 60, 120))),
                    amount_description="pro Kurs",
                )
            ]
            if rng.random() < 0.4:
                costs.append(CostOption(id=_uuid(rng), service_id=service.pk, kind="but"))
        else:
            costs = [CostOption(id=_uuid(rng), service_id=service.pk, kind="but")]
        chunk.costs += costs
        schedules = []
        if rng.random() < 0.8:
            for weekday in rng.sample(("MO", "TU", "WE", "TH", "FR", "SA"), k=rng.randint(1, 3)):
                opens = rng.randint(8, 17)
                schedules.append(
                    Schedule(
                        id=_uuid(rng),
                        service_id=service.pk,
                        location_id=places[0].pk,
                        kind="regular",
                        weekday=weekday,
                        opens_at=dt.time(opens, rng.choice((0, 30))),
                        closes_at=dt.time(min(opens + rng.randint(1, 4), 21), 45),
                    )
                )
        chunk.schedules += schedules
        translations = []
        if rng.random() < 0.05:
            language = rng.choice(list(TRANSLATED_NAMES))
            translations.append(
                ServiceTranslation(
                    service_id=service.pk,
                    language=language,
                    name=rng.choice(TRANSLATED_NAMES[language]),
                )
            )
        chunk.translations += translations
        # What offers_to_index would have fetched, so build_entries reads no database.
        service._prefetched_objects_cache = {
            "terms": _prefetched(TaxonomyTerm, terms),
            "locations": _prefetched(Location, places),
            "schedules": _prefetched(Schedule, schedules),
            "cost_options": _prefetched(CostOption, costs),
            "languages": _prefetched(ServiceLanguage, languages),
        }
        service.indexed_translations = translations


# --- Writing ------------------------------------------------------------------------------


class OrmWriter:
    """bulk_create for the catalogue and the engine's own `_write` for the index."""

    def write(self, chunk: Chunk, entries: list[Entries]) -> dict[str, int]:
        rows: dict[str, int] = {}
        with transaction.atomic():
            for model, objects in chunk.in_write_order():
                model.objects.bulk_create(objects, batch_size=2000)
                rows[model._meta.db_table] = len(objects)
            _write(entries)
        rows.update(_index_row_counts(entries))
        return rows

    def finish(self) -> None:
        pass


def _index_row_counts(entries: list[Entries]) -> dict[str, int]:
    return {
        OfferDocument._meta.db_table: len(entries),
        OfferWord._meta.db_table: sum(len(e.words) for e in entries),
        OfferFacet._meta.db_table: sum(len(e.facets) for e in entries),
        OfferPoint._meta.db_table: sum(len(e.points) for e in entries),
    }


PASS_THROUGH = {  # field types psycopg adapts as they are
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "DateField",
    "DateTimeField",
    "DecimalField",
    "EmailField",
    "FloatField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "TimeField",
    "URLField",
    "UUIDField",
}


def _columns(model: type[Model]) -> tuple[list[str], list[Callable]]:
    """Columns to COPY (without a serial id the database fills) and how to read each value."""
    columns, readers = [], []
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key and model_field.get_internal_type() in (
            "AutoField",
            "BigAutoField",
        ):
            continue
        columns.append(model_field.column)
        target = model_field.target_field if model_field.is_relation else model_field
        attname = model_field.attname
        if target.get_internal_type() in PASS_THROUGH:
            readers.append(lambda obj, attname=attname: getattr(obj, attname))
        else:
            readers.append(
                lambda obj, f=model_field: f.get_db_prep_save(getattr(obj, f.attname), connection)
            )
    return columns, readers


class CopyWriter:
    """COPY for every row, PostgreSQL only: ten times what bulk_create manages.

    Foreign-key triggers are off for the load (`session_replication_role = replica`, when the
    role may set it): the rows are consistent by construction, and a deferred check per row
    of fifty million would queue them all in memory until the commit.
    """

    def __init__(self) -> None:
        self.vocabulary: dict[int, set[str]] = {}
        self._columns: dict[type[Model], tuple[list[str], list[Callable]]] = {}
        with connection.cursor() as cursor:
            try:
                with transaction.atomic():
                    cursor.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser: keep the checks, slower
                pass

    def _copy(self, table: str, columns: list[str], rows: Iterable[tuple]) -> None:
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)

    def _copy_models(self, model: type[Model], objects: list[Model]) -> None:
        if model not in self._columns:
            self._columns[model] = _columns(model)
        columns, readers = self._columns[model]
        self._copy(
            model._meta.db_table,
            columns,
            (tuple(read(obj) for read in readers) for obj in objects),
        )

    def write(self, chunk: Chunk, entries: list[Entries]) -> dict[str, int]:
        rows: dict[str, int] = {}
        with transaction.atomic():
            for model, objects in chunk.in_write_order():
                self._copy_models(model, objects)
                rows[model._meta.db_table] = len(objects)
            self._write_index(entries)
        rows.update(_index_row_counts(entries))
        return rows

    def _write_index(self, batch: list[Entries]) -> None:
        """The rows `lueckenlos.search.indexing._write` writes, by COPY."""
        self._copy(
            OfferDocument._meta.db_table,
            ["service_id", "kommune_id", "sort_name", "min_age_months", "max_age_months"],
            (
                (d.service_id, d.kommune_id, d.sort_name, d.min_age_months, d.max_age_months)
                for d in (e.document for e in batch)
            ),
        )
        self._copy(
            OfferWord._meta.db_table,
            ["document_id", "kommune_id", "word", "weight"],
            (
                (e.document.service_id, e.document.kommune_id, word, weight)
                for e in batch
                for word, weight in e.words.items()
            ),
        )
        self._copy(
            OfferFacet._meta.db_table,
            ["document_id", "kommune_id", "key"],
            (
                (e.document.service_id, e.document.kommune_id, key)
                for e in batch
                for key in sorted(e.facets)
            ),
        )
        self._copy(
            OfferPoint._meta.db_table,
            ["document_id", "location_id", "latitude", "longitude"],
            ((e.document.service_id, pk, lat, lon) for e in batch for pk, lat, lon in e.points),
        )
        new = set()
        for e in batch:
            known = self.vocabulary.setdefault(e.document.kommune_id, set())
            for word in e.words:
                if word not in known:
                    known.add(word)
                    new.add((e.document.kommune_id, word))
        self._copy(
            VocabularyWord._meta.db_table,
            ["kommune_id", "word", "stem"],
            ((kommune_id, word, stem(word)) for kommune_id, word in sorted(new)),
        )


BULK_TABLES = [
    model._meta.db_table
    for model in (
        Location,
        Service,
        ServiceAtLocation,
        Service.terms.through,
        ServiceLanguage,
        CostOption,
        Schedule,
        OfferDocument,
        OfferWord,
        OfferFacet,
        OfferPoint,
        VocabularyWord,
    )
]


def drop_secondary_indexes() -> list[str]:
    """Drop the indexes that back no constraint on the big tables; their CREATE statements.

    Building an index once from sorted data is many times faster than growing it by fifty
    million random inserts; the result is the same index.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i "
            "JOIN pg_class c ON c.relname = i.indexname "
            "WHERE i.tablename = ANY(%s) AND i.schemaname = current_schema() "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)",
            [BULK_TABLES],
        )
        found = cursor.fetchall()
        for name, _definition in found:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in found]


def create_indexes(definitions: list[str]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for definition in definitions:
            cursor.execute(definition)


# --- Driving it ---------------------------------------------------------------------------


def _life_phases() -> list[TaxonomyTerm]:
    return list(TaxonomyTerm.objects.filter(taxonomy__code=LIFE_PHASE))


def _all_terms() -> dict[tuple[str, str], TaxonomyTerm]:
    return {
        (term.taxonomy.code, term.code): term
        for term in TaxonomyTerm.objects.select_related("taxonomy")
    }


def _split(total: int, parts: int) -> list[int]:
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


def generate_kommune(
    layout: Layout, offers: int, seed: int, words: Words, writer, progress: Callable | None
) -> Timings:
    """All offers of one Kommune, chunk by chunk: built, indexed by build_entries, written."""
    timings = Timings()
    builder = OfferBuilder(layout, seed, words, _all_terms())
    areas = AreaContext([layout.kommune_id])
    phases = _life_phases()
    done = 0
    while done < offers:
        count = min(CHUNK, offers - done)
        started = time.perf_counter()
        chunk = builder.chunk(count)
        built = time.perf_counter()
        entries = [
            build_entries(service, areas, phases)
            for service in chunk.services
            if service.status == Service.Status.ACTIVE
        ]
        indexed = time.perf_counter()
        rows = writer.write(chunk, entries)
        written = time.perf_counter()
        timings.add(
            Timings(
                offers=count,
                indexed=len(entries),
                build=built - started,
                entries=indexed - built,
                write=written - indexed,
                rows=rows,
            )
        )
        done += count
        if progress:
            progress(count)
    return timings


# The parallel load hands these to the forked workers.
_worker_state: dict = {}


def _work(task: tuple[Layout, int]) -> Timings:
    layout, offers = task
    state = _worker_state
    if "writer" not in state:
        state["writer"] = CopyWriter()
    return generate_kommune(layout, offers, state["seed"], state["words"], state["writer"], None)


def generate(
    *,
    offers: int,
    kommunen: int = 1,
    seed: int = 1,
    jobs: int = 1,
    progress: Callable[[str], None] | None = print,
) -> Report:
    """Generate `offers` offers spread evenly over `kommunen` new Kommunen, with their index.

    On PostgreSQL the rows go in by COPY, `jobs` Kommunen at a time in forked processes,
    with secondary indexes dropped during the load and rebuilt after, then VACUUM ANALYZE
    (what autovacuum would do soon after such a load). Elsewhere: bulk_create and `_write`
    in this process, then the planner statistics reindex_kommune leaves after a bulk load.
    """
    started = time.perf_counter()
    words = Words(seed)
    layouts = create_kommunen(kommunen, seed, words)
    setup = time.perf_counter() - started
    counts = _split(offers, kommunen)
    total = Timings()
    finish = 0.0
    postgres = connection.vendor == "postgresql"
    say = progress or (lambda _message: None)

    if not postgres:
        writer = OrmWriter()
        done = 0
        last = time.perf_counter()

        def tick(count: int) -> None:
            nonlocal done, last
            done += count
            if time.perf_counter() - last > 15:
                last = time.perf_counter()
                say(f"  ... {done:,} offers, {last - started:.0f} s")

        for layout, count in zip(layouts, counts, strict=True):
            total.add(generate_kommune(layout, count, seed, words, writer, tick))
        finishing = time.perf_counter()
        # What reindex_kommune does after every bulk load of an installation.
        analyze_search_tables()
        finish = time.perf_counter() - finishing
    else:
        definitions = drop_secondary_indexes()
        _worker_state.update(seed=seed, words=words)
        connections.close_all()  # no forked child may share this process's connection
        tasks = list(zip(layouts, counts, strict=True))
        context = multiprocessing.get_context("fork")
        done = 0
        last = time.perf_counter()
        if jobs > 1:
            pool = context.Pool(jobs)
            results: Iterator[Timings] = pool.imap_unordered(_work, tasks)
        else:
            pool = None
            results = map(_work, tasks)
        try:
            for timings in results:
                total.add(timings)
                done += timings.offers
                if time.perf_counter() - last > 15:
                    last = time.perf_counter()
                    say(f"  ... {done:,} offers, {last - started:.0f} s")
        finally:
            if pool is not None:
                pool.close()
                pool.join()
        _worker_state.clear()
        connections.close_all()
        finishing = time.perf_counter()
        say(f"  loaded in {finishing - started:.0f} s; building {len(definitions)} indexes")
        create_indexes(definitions)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        finish = time.perf_counter() - finishing
    return Report(
        layouts=layouts,
        timings=total,
        setup_seconds=setup,
        finish_seconds=finish,
        wall_seconds=time.perf_counter() - started,
        jobs=jobs if postgres else 1,
    )


def _index_rows(service_ids: list) -> dict:
    """Every index row of these offers, comparable across a re-index."""
    found: dict = {}
    documents = OfferDocument.objects.filter(service_id__in=service_ids).values_list(
        "service_id", "kommune_id", "sort_name", "min_age_months", "max_age_months"
    )
    for row in documents:
        found[row[0]] = {"document": row, "words": set(), "facets": set(), "points": set()}
    for document_id, word, weight in OfferWord.objects.filter(
        document_id__in=service_ids
    ).values_list("document_id", "word", "weight"):
        found[document_id]["words"].add((word, weight))
    for document_id, key in OfferFacet.objects.filter(document_id__in=service_ids).values_list(
        "document_id", "key"
    ):
        found[document_id]["facets"].add(key)
    for document_id, location_id, lat, lon in OfferPoint.objects.filter(
        document_id__in=service_ids
    ).values_list("document_id", "location_id", "latitude", "longitude"):
        found[document_id]["points"].add((location_id, lat, lon))
    return found


def check_index(sample: int = 300, seed: int = 1) -> str:
    """Re-index a random sample of offers the way every save does (`index_offers`, which reads
    the catalogue back from the database) and compare with what the generator wrote.

    Raises AssertionError on any difference; rolls the re-index back either way.
    """
    rng = random.Random(seed)
    ids = list(Service.objects.values_list("pk", flat=True).order_by("pk")[: sample * 50])
    chosen = rng.sample(ids, k=min(sample, len(ids)))
    before = _index_rows(chosen)
    vocabulary = set(
        VocabularyWord.objects.filter(
            word__in={w for rows in before.values() for w, _weight in rows["words"]}
        ).values_list("kommune_id", "word")
    )

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            index_offers(chosen)
            after = _index_rows(chosen)
            raise Rollback
    except Rollback:
        pass
    if before != after:
        differing = [pk for pk in chosen if before.get(pk) != after.get(pk)]
        pk = differing[0]
        raise AssertionError(
            f"{len(differing)} of {len(chosen)} offers index differently through index_offers; "
            f"first {pk}: generated {before.get(pk)!r}, re-indexed {after.get(pk)!r}"
        )
    missing = {
        (rows["document"][1], word) for rows in before.values() for word, _weight in rows["words"]
    } - vocabulary
    if missing:
        raise AssertionError(f"{len(missing)} indexed words are not in the vocabulary")
    return f"index check: {len(chosen)} sampled offers re-indexed by index_offers, identical"
