"""Import of offers: mapping proposal, value mappings, preview, commit, re-import, duplicates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Phone,
    Service,
    ServiceLanguage,
)
from lueckenlos.interop.models import ImportRun
from lueckenlos.interop.offers.fields import Mapping, MappingError, propose_mapping
from lueckenlos.interop.offers.preview import (
    CREATE,
    REJECTED,
    UNCHANGED,
    UPDATE,
    build_preview,
)
from lueckenlos.interop.offers.services import ImportRefused, offers_import
from lueckenlos.interop.offers.values import (
    LanguageReader,
    TermReader,
    ValueProblem,
    parse_age,
    parse_costs,
)
from lueckenlos.interop.tabular import read_table
from lueckenlos.search.models import OfferDocument

HEADER = (
    "Externe ID;Name;Träger;Straße und Hausnummer;PLZ;Ort;Breitengrad;Längengrad;Alter;"
    "Sprachen;Kosten;Handlungsfelder"
)
# Marzahn's fixture Kommune spans 13.55–13.57°E, 52.50–52.52°N; north above 52.51.
ROWS = [
    "K1;Kita Sonnenschein;Kinderwelt gGmbH;Allee der Kosmonauten 10;12681;Berlin;52.515;13.56;"
    "0-6 Jahre;Deutsch, Türkisch;kostenlos;Bildung",
    "K2;Elterncafé;Familienzentrum e.V.;Marzahner Promenade 5;12679;Berlin;52.505;13.56;"
    "Schwangere;arabisch;0 €;Erziehung und Familie",
    "K3;Schwimmkurs;SV Marzahn;Hellersdorfer Str. 1;12619;Berlin;52.512;13.565;ab 6;;5,50 €;"
    "Kultur, Sport und Freizeit",
]


def csv_file(rows: list[str], header: str = HEADER, encoding: str = "cp1252") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def import_rows(kommune, rows, header=HEADER, mapping=None, **options):
    table = read_table(csv_file(rows, header), filename="angebote.csv")
    mapping = mapping or Mapping(columns=propose_mapping(table.columns))
    return offers_import(kommune=kommune, table=table, mapping=mapping, **options)


def preview_rows(kommune, rows, header=HEADER, mapping=None):
    table = read_table(csv_file(rows, header), filename="angebote.csv")
    mapping = mapping or Mapping(columns=propose_mapping(table.columns))
    return build_preview(table=table, kommune=kommune, mapping=mapping)


# --- Mapping proposal ---------------------------------------------------------------------


def test_it_proposes_a_mapping_from_german_titles():
    columns = ["Angebot", "Anbieter", "Adresse", "PLZ", "Alter", "E-Mail", "Internet", "Tel."]

    assert propose_mapping(columns) == {
        "name": "Angebot",
        "provider": "Anbieter",
        "street_and_number": "Adresse",
        "postal_code": "PLZ",
        "age": "Alter",
        "email": "E-Mail",
        "website": "Internet",
        "phone": "Tel.",
    }


def test_it_maps_the_titles_of_its_own_export():
    columns = [
        "ID", "Externe ID", "Name", "Beschreibung", "Träger", "Standort",
        "Straße und Hausnummer", "PLZ", "Ort", "Breitengrad", "Längengrad",
        "Alter von (Monate)", "Alter bis (Monate)", "Lebensphasen", "Handlungsfelder",
        "Zielgruppen", "Sprachen", "Kosten", "Rollstuhlgerecht", "E-Mail", "Website",
        "Telefon", "Status", "Zuletzt bestätigt",
    ]  # fmt: skip

    proposal = propose_mapping(columns)

    # Every column of the export is read back into the field it came from.
    assert sorted(proposal.values()) == sorted(columns)
    assert proposal["id"] == "ID"
    assert proposal["external_id"] == "Externe ID"
    assert proposal["age_from_months"] == "Alter von (Monate)"
    assert proposal["location_name"] == "Standort"
    assert proposal["city"] == "Ort"


def test_an_id_column_alone_is_the_external_id():
    assert propose_mapping(["ID", "Name"]) == {"name": "Name", "external_id": "ID"}


def test_a_mapping_file_naming_an_unknown_field_is_refused(english):
    with pytest.raises(MappingError, match="Unknown field “titel”"):
        Mapping.from_text('{"columns": {"titel": "Name"}}')


def test_a_mapping_naming_a_missing_column_is_refused(marzahn, english):
    table = read_table(csv_file(ROWS[:1]), filename="angebote.csv")
    mapping = Mapping(columns={"name": "Angebotsname"})

    with pytest.raises(MappingError, match="lacks: Angebotsname. It has: Externe ID, Name"):
        build_preview(table=table, kommune=marzahn.kommune, mapping=mapping)


# --- Value mappings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("0-3 Jahre", (0, 36)),
        ("0 bis 3", (0, 36)),
        ("3–6 Jahre", (36, 72)),
        ("ab 6", (72, None)),
        ("bis 12", (None, 144)),
        ("U3", (None, 36)),
        ("Ü3", (36, 72)),
        ("6 Monate bis 3 Jahre", (6, 36)),
        ("Kinder von 3 bis 6 Jahren", (36, 72)),
        ("Schwangere", (None, 0)),
        ("Schwangere und 0-1 Jahr", (None, 12)),
        ("12+", (144, None)),
        ("alle", (None, None)),
    ],
)
def test_age_texts_become_ranges_in_months(text, months):
    assert parse_age(text) == months


def test_a_saved_age_mapping_names_what_a_word_means():
    assert parse_age("Krabbelgruppe", {"krabbelgruppe": "6 Monate bis 2 Jahre"}) == (6, 24)


@pytest.mark.parametrize("text", ["demnächst", "6-3 Jahre"])
def test_an_age_that_is_none_is_a_problem(text):
    with pytest.raises(ValueProblem):
        parse_age(text)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("kostenlos", ["free"]),
        ("frei", ["free"]),
        ("0 €", ["free"]),
        ("gratis", ["free"]),
        ("BuT", ["but"]),
        ("kostenlos; über Bildung und Teilhabe", ["free", "but"]),
        ("5,50 €", ["fee"]),
    ],
)
def test_cost_texts_become_cost_kinds(text, kinds):
    assert [cost.kind for cost in parse_costs(text)] == kinds


def test_a_fee_keeps_its_amount_and_its_words():
    (cost,) = parse_costs("10 € pro Monat")

    assert (cost.kind, cost.amount, cost.description) == ("fee", Decimal("10"), "10 € pro Monat")


@pytest.mark.parametrize(
    ("text", "codes", "unknown"),
    [
        ("türkisch, arabisch", ["tr", "ar"], []),
        ("TR/AR", ["tr", "ar"], []),
        ("Deutsch und Englisch", ["de", "en"], []),
        ("Gebärdensprache", ["sgn"], []),
        ("Russisch, Klingonisch", ["ru"], ["Klingonisch"]),
    ],
)
def test_language_texts_become_codes(text, codes, unknown):
    assert LanguageReader().read(text) == (codes, unknown)


@pytest.mark.django_db
def test_term_texts_become_terms_by_name_code_age_or_mapping():
    from lueckenlos.catalogue.models import TaxonomyTerm

    terms = TaxonomyTerm.objects.select_related("taxonomy")
    reader = TermReader(terms, None, {"Familienbildung": "field_of_action:parenting_family"})

    match = reader.read("Kultur, Sport und Freizeit, health, 3-6 Jahre, Familienbildung, Yoga")

    assert sorted(t.code for t in match.terms) == [
        "culture_sport_leisure",
        "health",
        "parenting_family",
        "preschool",
    ]
    assert match.unknown == ["Yoga"]


# --- Preview ----------------------------------------------------------------------------------


def test_the_preview_counts_what_would_happen(marzahn):
    preview = preview_rows(marzahn.kommune, ROWS)

    assert preview.totals == {CREATE: 3, UPDATE: 0, UNCHANGED: 0, REJECTED: 0}
    # A preview writes nothing.
    assert not Service.objects.exists()


def test_errors_name_file_row_column_value_and_reason(marzahn, english):
    rows = [
        "K1;Kita A;Träger;Allee 1;12681;Berlin;52.515;13.56;irgendwann;;;",
        "K2;;Träger;Allee 2;12681;Berlin;52.515;13.56;;;;",
        "K3;Kita C;Träger;Allee 3;12681;Berlin;48.1;11.5;;;;",
        "K4;Kita D;Träger;Allee 4;12681;Berlin;52.515;13.56;;Klingonisch;;Yoga",
    ]

    preview = preview_rows(marzahn.kommune, rows)

    lines = [issue.text(preview.filename) for issue in preview.issues()]
    assert lines[0] == (
        "angebote.csv, row 2, column “Alter”, value “irgendwann”: not an age range; write e.g. "
        "“0-3 Jahre”, “ab 6”, “bis 12”, “6 Monate bis 3 Jahre”"
    )
    assert lines[1] == "angebote.csv, row 3, column “Name”, value “”: the offer has no name"
    assert lines[2].startswith("angebote.csv, row 4, column “Breitengrad”, value “48.1”: the place")
    assert "outside Marzahn-Hellersdorf" in lines[2]
    # Unknown languages and terms are warnings, never silently dropped; they say what exists.
    assert any("value “Klingonisch”: “Klingonisch” is no language" in line for line in lines)
    assert any("“Yoga” is no known term; known are: Gesundheit, Bildung" in line for line in lines)
    assert [row.action for row in preview.rows] == [REJECTED, REJECTED, REJECTED, CREATE]


# --- Commit ------------------------------------------------------------------------------------


def test_the_commit_creates_offers_with_everything_they_name(marzahn):
    result = import_rows(marzahn.kommune, ROWS)

    assert result.run.created == 3 and ImportRun.objects.count() == 1
    kita = Service.objects.get(external_id="K1")
    assert kita.status == Service.Status.ACTIVE
    assert kita.organization.name == "Kinderwelt gGmbH"
    assert (kita.min_age_months, kita.max_age_months) == (0, 72)
    assert kita.source.startswith("Import of angebote.csv on") or kita.source.startswith(
        "Import von angebote.csv"
    )
    assert sorted(ServiceLanguage.objects.filter(service=kita).values_list("code", flat=True)) == [
        "de",
        "tr",
    ]
    assert list(kita.cost_options.values_list("kind", flat=True)) == [CostOption.Kind.FREE]
    assert [t.code for t in kita.terms.all()] == ["education"]
    (location,) = kita.locations.all()
    assert (location.address_1, location.postal_code, location.latitude) == (
        "Allee der Kosmonauten 10",
        "12681",
        52.515,
    )
    # Placed in its Planungsraum like any location saved through the catalogue.
    assert location.area == marzahn.north
    swim = Service.objects.get(external_id="K3")
    assert swim.cost_options.get().amount == Decimal("5.50")
    assert [t.code for t in swim.terms.all()] == ["culture_sport_leisure"]
    # The search index knows the new offers.
    assert OfferDocument.objects.filter(kommune=marzahn.kommune).count() == 3


def test_importing_the_same_file_again_changes_nothing(marzahn, django_assert_max_num_queries):
    import_rows(marzahn.kommune, ROWS)
    before = list(Service.objects.values_list("pk", "updated_at").order_by("pk"))

    result = import_rows(marzahn.kommune, ROWS)

    assert result.preview.totals[UNCHANGED] == 3
    assert result.run.created == result.run.updated == 0
    assert list(Service.objects.values_list("pk", "updated_at").order_by("pk")) == before
    assert Location.objects.count() == 3 and Organization.objects.count() == 3


def test_a_reimport_writes_nothing_but_its_record(marzahn, django_assert_max_num_queries):
    import_rows(marzahn.kommune, ROWS)
    table = read_table(csv_file(ROWS), filename="angebote.csv")
    mapping = Mapping(columns=propose_mapping(table.columns))

    with django_assert_max_num_queries(30) as queries:
        offers_import(kommune=marzahn.kommune, table=table, mapping=mapping)

    writes = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    assert len(writes) == 1 and "interop_importrun" in writes[0]


def test_an_updated_file_updates_the_offers_in_place(marzahn):
    import_rows(marzahn.kommune, ROWS)
    kita = Service.objects.get(external_id="K1")
    changed = [
        ROWS[0]
        .replace("Kita Sonnenschein", "Kita Sonnenschein am Park")
        .replace("Deutsch, Türkisch", "Deutsch")
        .replace("0-6 Jahre", "1-6 Jahre"),
        *ROWS[1:],
    ]

    result = import_rows(marzahn.kommune, changed)

    assert result.preview.totals == {CREATE: 0, UPDATE: 1, UNCHANGED: 2, REJECTED: 0}
    assert Service.objects.count() == 3
    kita.refresh_from_db()
    assert kita.name == "Kita Sonnenschein am Park"
    assert kita.min_age_months == 12
    assert list(kita.languages.values_list("code", flat=True)) == ["de"]


def test_without_external_ids_offers_are_matched_by_name_and_address(marzahn):
    header = "Name;Adresse;PLZ;Kosten"
    import_rows(marzahn.kommune, ["Elterncafé;Marzahner Promenade 5;12679;kostenlos"], header)

    result = import_rows(marzahn.kommune, ["Elterncafé;Marzahner Promenade 5;12679;BuT"], header)

    assert result.preview.totals[UPDATE] == 1
    assert list(Service.objects.get().cost_options.values_list("kind", flat=True)) == ["but"]


def test_a_moved_offer_takes_its_location_along(marzahn):
    import_rows(marzahn.kommune, ROWS[:1])
    moved = (
        ROWS[0]
        .replace("Allee der Kosmonauten 10", "Allee der Kosmonauten 12")
        .replace("52.515", "52.505")
    )

    import_rows(marzahn.kommune, [moved])

    (location,) = Location.objects.all()
    assert location.address_1 == "Allee der Kosmonauten 12"
    assert location.area == marzahn.south


def test_rows_with_errors_block_the_whole_import(marzahn, english):
    rows = [*ROWS, "K4;Kita D;Träger;Allee 4;12681;Berlin;52.515;13.56;irgendwann;;;"]

    with pytest.raises(ImportRefused, match="Nothing was imported: 1 rows are rejected"):
        import_rows(marzahn.kommune, rows)

    assert not Service.objects.exists() and not Organization.objects.exists()


def test_rejected_rows_can_be_skipped_on_request(marzahn):
    rows = [*ROWS, "K4;Kita D;Träger;Allee 4;12681;Berlin;52.515;13.56;irgendwann;;;"]

    result = import_rows(marzahn.kommune, rows, skip_rejected=True)

    assert result.run.created == 3 and result.run.rejected == 1
    assert not Service.objects.filter(external_id="K4").exists()


def test_a_dry_run_writes_nothing(marzahn):
    result = import_rows(marzahn.kommune, ROWS, dry_run=True)

    assert result.preview.totals[CREATE] == 3
    assert not Service.objects.exists() and not ImportRun.objects.exists()


def test_unmapped_columns_leave_fields_alone(marzahn):
    import_rows(marzahn.kommune, ROWS[:1])
    kita = Service.objects.get()
    Phone.objects.create(service=kita, number="030 123")

    # A sheet with only name and address: languages, costs, phones stay as they are.
    result = import_rows(marzahn.kommune, ["K1;Kita Sonnenschein"], header="Externe ID;Name")

    assert result.preview.totals[UNCHANGED] == 1
    assert kita.languages.count() == 2 and kita.phones.count() == 1


# --- Duplicates ------------------------------------------------------------------------------


def test_the_same_offer_twice_in_a_file_without_ids_is_rejected(marzahn, english):
    header = "Name;Adresse;PLZ"
    rows = ["Elterncafé;Marzahner Promenade 5;12679", "Elterncafe;Marzahner Promenade 5;12679"]

    preview = preview_rows(marzahn.kommune, rows, header)

    assert preview.rows[1].action == REJECTED
    assert "same offer at the same address as row 2" in preview.rows[1].errors[0].reason


def test_a_repeated_external_id_is_an_error(marzahn, english):
    preview = preview_rows(marzahn.kommune, [ROWS[0], ROWS[1].replace("K2", "K1")])

    assert preview.rows[1].errors[0].reason == "the external ID appears already in row 2"


def test_near_identical_names_at_one_address_are_reported(marzahn, english):
    header = "Externe ID;Name;Adresse;PLZ"
    rows = [
        "A1;Familienzentrum Marzahn;Promenade 5;12679",
        "A2;Familienzentrum Marzahn-;Promenade 5;12679",
    ]

    preview = preview_rows(marzahn.kommune, rows, header)

    assert preview.totals[CREATE] == 2
    reasons = [warning.reason for warning in preview.rows[1].warnings]
    assert "likely the same offer as row 2 (“Familienzentrum Marzahn”, same address)" in reasons


def test_an_existing_offer_under_another_external_id_is_reported(marzahn, english):
    header = "Externe ID;Name;Adresse;PLZ"
    import_rows(marzahn.kommune, ["A1;Elterncafé;Promenade 5;12679"], header)

    preview = preview_rows(marzahn.kommune, ["B7;Elterncafé;Promenade 5;12679"], header)

    assert preview.totals[CREATE] == 1
    reasons = " ".join(warning.reason for warning in preview.rows[0].warnings)
    assert "likely the same offer as “Elterncafé” (external ID “A1”)" in reasons


# --- Single values ----------------------------------------------------------------------------


def test_status_wheelchair_date_phone_and_website_are_read(marzahn):
    header = "Name;Adresse;PLZ;Status;Rollstuhlgerecht;Zuletzt bestätigt;Telefon;Website;Plätze"
    row = "Kita A;Allee 1;12681;Entwurf;teilweise;05/2024;030 123, 0170 456;kita.example;1.200"

    import_rows(marzahn.kommune, [row], header)

    offer = Service.objects.get()
    assert offer.status == Service.Status.DRAFT
    assert offer.last_confirmed.isoformat() == "2024-05-01"
    assert offer.url == "https://kita.example"
    assert offer.capacity == 1200
    assert sorted(offer.phones.values_list("number", flat=True)) == ["0170 456", "030 123"]
    assert offer.locations.get().wheelchair == Location.Wheelchair.PARTIAL


def test_a_life_phase_the_age_contradicts_is_an_error(marzahn, english):
    header = "Name;Alter;Lebensphasen"

    preview = preview_rows(marzahn.kommune, ["Schwimmkurs;ab 6;0 bis 3 Jahre"], header)

    assert preview.rows[0].errors[0].reason == (
        "the life phase “0 bis 3 Jahre” does not fit the age range of the row"
    )


def test_a_near_spelling_of_a_term_is_read_with_a_warning(marzahn, english):
    preview = preview_rows(marzahn.kommune, ["Kurs;Gesundheitt"], "Name;Handlungsfelder")

    assert preview.rows[0].action == CREATE
    assert preview.rows[0].warnings[0].reason == "“Gesundheitt” read as “Gesundheit”"
