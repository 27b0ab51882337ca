"""Our catalogue as HSDS 3.0 records: flat rows per table, and the nested objects built of them.

Export and API share these functions, so a service reads the same in the data package and in
`/api/hsds/<kommune>/services/<id>`. They read in chunks of ids (a handful of queries per
chunk, never one per object) and return plain dicts whose keys follow the HSDS field order.

Identifiers: offers, providers, locations, schedules, costs, phones and contacts keep their own
UUIDs. Records we keep without a UUID of their own (addresses, accessibility and languages,
which are fields of a location or offer here; the links to terms) and our vocabularies get
name-based UUIDs (uuid5) that are the same in every installation, so that a term such as
`life_phase:infant` has one stable id and URI wherever lueckenlos publishes it.

Conventions that HSDS leaves open:
- ages are years with two decimals (months / 12), and `maximum_age` is the age at which the
  offer ends (exclusive, as our months are): 3 to 6 means from the 3rd to the 6th birthday;
- life phases carry their age span in their description ("… [Alter in Monaten: 36 bis 72]");
- only role contacts are published: a contact with a person's name is left out entirely;
- a location's wheelchair access is its accessibility record's `details`;
- a description HSDS requires but we lack (providers, taxonomies, terms) repeats the name.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone, translation

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.languages import language_name
from lueckenlos.catalogue.models import (
    Contact,
    CostOption,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)
from lueckenlos.catalogue.vocabularies import LIFE_PHASE

NAMESPACE = uuid.UUID("afa0c499-d4d9-4f45-9d99-892540bd99fd")
TAXONOMY_URN = "urn:lueckenlos:taxonomy:"
# Taxonomies that came from another system's feed keep its id in their code.
FOREIGN_TAXONOMY_PREFIX = "hsds-"
DATA_LANGUAGE = "de"
COUNTRY = "DE"
CURRENCY = "EUR"

COST_OPTIONS = {
    CostOption.Kind.FREE: "kostenlos",
    CostOption.Kind.FEE: "kostenpflichtig",
    CostOption.Kind.BUT: "Bildung und Teilhabe",
}
WHEELCHAIR_DETAILS = {
    Location.Wheelchair.YES: "rollstuhlgerecht",
    Location.Wheelchair.PARTIAL: "teilweise rollstuhlgerecht",
    Location.Wheelchair.NO: "nicht rollstuhlgerecht",
}
AGE_SPAN = " [Alter in Monaten: {low} bis {high}]"

SERVICE_FIELDS = (
    "id",
    "organization_id",
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "eligibility_description",
    "application_process",
    "min_age_months",
    "max_age_months",
    "last_confirmed",
    "updated_at",
)
LOCATION_FIELDS = (
    "id",
    "organization_id",
    "name",
    "description",
    "address_1",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "wheelchair",
    "accessibility_description",
    "external_id",
    "kommune_id",
)
PHONE_FIELDS = (
    "id",
    "organization_id",
    "service_id",
    "location_id",
    "contact_id",
    "number",
    "extension",
    "kind",
    "description",
)


def derived_id(*parts: str) -> str:
    """A name-based UUID, the same in every installation."""
    return str(uuid.uuid5(NAMESPACE, ":".join(parts)))


def taxonomy_hsds_id(code: str) -> str:
    if code.startswith(FOREIGN_TAXONOMY_PREFIX):
        try:
            return str(uuid.UUID(code.removeprefix(FOREIGN_TAXONOMY_PREFIX)))
        except ValueError:
            pass
    return derived_id("taxonomy", code)


def term_hsds_id(taxonomy_code: str, term_code: str, pk: uuid.UUID) -> str:
    if taxonomy_code.startswith(FOREIGN_TAXONOMY_PREFIX):
        return str(pk)
    return derived_id("taxonomy_term", taxonomy_code, term_code)


def years(months: int | None) -> int | float | None:
    if months is None:
        return None
    value = round(months / 12, 2)
    return int(value) if value == int(value) else value


def number(value: Decimal | float | None) -> int | float | None:
    if value is None:
        return None
    value = float(value)
    return int(value) if value == int(value) else value


def compact(record: dict, required: Iterable[str] = ("id",)) -> dict:
    """Leave out empty optional values: HSDS readers treat a missing field as unknown."""
    keep = set(required)
    return {k: v for k, v in record.items() if k in keep or (v is not None and v != "")}


class Vocabularies:
    """All taxonomies and terms as HSDS records, read once."""

    def __init__(self) -> None:
        self.taxonomies: dict[int, dict] = {}
        codes: dict[int, str] = {}
        for taxonomy in Taxonomy.objects.order_by("code"):
            codes[taxonomy.pk] = taxonomy.code
            self.taxonomies[taxonomy.pk] = compact(
                {
                    "id": taxonomy_hsds_id(taxonomy.code),
                    "name": taxonomy.name,
                    "description": taxonomy.description or taxonomy.name,
                    "uri": taxonomy.uri or TAXONOMY_URN + taxonomy.code,
                    "version": taxonomy.version,
                },
                ("id", "name", "description"),
            )
        terms = list(TaxonomyTerm.objects.order_by("taxonomy_id", "position", "code"))
        ids = {term.pk: term_hsds_id(codes[term.taxonomy_id], term.code, term.pk) for term in terms}
        self.terms: dict[uuid.UUID, dict] = {}
        for term in terms:
            taxonomy_code = codes[term.taxonomy_id]
            description = term.description
            if taxonomy_code == LIFE_PHASE and (
                term.min_age_months is not None or term.max_age_months is not None
            ):
                description += AGE_SPAN.format(
                    low=_span_end(term.min_age_months), high=_span_end(term.max_age_months)
                )
            self.terms[term.pk] = compact(
                {
                    "id": ids[term.pk],
                    "code": term.code,
                    "name": term.name,
                    "description": description or term.name,
                    "parent_id": ids.get(term.parent_id),
                    "taxonomy": self.taxonomies[term.taxonomy_id]["name"],
                    "language": DATA_LANGUAGE,
                    "taxonomy_id": self.taxonomies[term.taxonomy_id]["id"],
                    "term_uri": f"{TAXONOMY_URN}{taxonomy_code}:{term.code}",
                },
                ("id", "name", "description"),
            )
        self.by_hsds_id = {record["id"]: pk for pk, record in self.terms.items()}

    def sorted_taxonomies(self) -> list[dict]:
        return sorted(self.taxonomies.values(), key=lambda r: r["id"])

    def sorted_terms(self) -> list[dict]:
        return sorted(self.terms.values(), key=lambda r: r["id"])


def _span_end(months: int | None) -> str:
    return "" if months is None else str(months)


def _phone(row: dict) -> dict:
    extension = row["extension"].strip()
    return compact(
        {
            "id": str(row["id"]),
            "location_id": _str(row["location_id"]),
            "service_id": _str(row["service_id"]),
            "organization_id": _str(row["organization_id"]),
            "contact_id": _str(row["contact_id"]),
            "number": row["number"],
            "extension": int(extension) if extension.isdigit() else None,
            "type": row["kind"],
            "description": row["description"],
        },
        ("id", "number"),
    )


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _contact(contact: dict) -> dict:
    return compact(
        {
            "id": str(contact["id"]),
            "organization_id": _str(contact["organization_id"]),
            "service_id": _str(contact["service_id"]),
            "title": contact["title"],
            "department": contact["department"],
            "email": contact["email"],
        }
    )


def _role_contacts(condition: Q) -> tuple[list[dict], list[dict]]:
    """Role contacts (no person's name) and their phones; personal contacts stay private."""
    contacts = list(
        Contact.objects.filter(condition, name="")
        .order_by("id")
        .values("id", "organization_id", "service_id", "title", "department", "email")
    )
    phones = Phone.objects.filter(contact_id__in=[c["id"] for c in contacts]).order_by("id")
    return [_contact(c) for c in contacts], [_phone(p) for p in phones.values(*PHONE_FIELDS)]


def organization_tables(ids: list[uuid.UUID]) -> dict[str, list[dict]]:
    """Flat HSDS rows of these providers: organization, contact, phone."""
    organizations = [
        compact(
            {
                "id": str(o["id"]),
                "name": o["name"],
                "alternate_name": o["alternate_name"],
                "description": o["description"] or o["name"],
                "email": o["email"],
                "website": o["website"],
                "legal_status": o["provider_type"],
            },
            ("id", "name", "description"),
        )
        for o in Organization.objects.filter(pk__in=ids)
        .order_by("id")
        .values("id", "name", "alternate_name", "description", "email", "website", "provider_type")
    ]
    contacts, contact_phones = _role_contacts(Q(organization_id__in=ids, service__isnull=True))
    phones = [
        _phone(p)
        for p in Phone.objects.filter(organization_id__in=ids).order_by("id").values(*PHONE_FIELDS)
    ]
    return {"organization": organizations, "contact": contacts, "phone": phones + contact_phones}


def _states() -> dict[int, str]:
    """The federal state of each Kommune, where a Kommune of kind "state" contains it."""
    kommunen = {k.pk: k for k in Kommune.objects.only("pk", "name", "kind", "parent_id")}
    states = {}
    for pk, kommune in kommunen.items():
        while kommune is not None and kommune.kind != Kommune.Kind.STATE:
            kommune = kommunen.get(kommune.parent_id)
        states[pk] = kommune.name if kommune is not None else ""
    return states


def location_tables(ids: list[uuid.UUID]) -> dict[str, list[dict]]:
    """Flat HSDS rows of these locations: location, address, accessibility, phone.

    `state_province` is the containing Kommune of kind "state" (empty without one: we keep no
    other record of the federal state).
    """
    tables: dict[str, list[dict]] = defaultdict(list)
    states = _states()
    for loc in Location.objects.filter(pk__in=ids).order_by("id").values(*LOCATION_FIELDS):
        location_id = str(loc["id"])
        state = states.get(loc["kommune_id"], "")
        tables["location"].append(
            compact(
                {
                    "id": location_id,
                    "location_type": "physical",
                    "organization_id": _str(loc["organization_id"]),
                    "name": loc["name"],
                    "description": loc["description"],
                    "latitude": loc["latitude"],
                    "longitude": loc["longitude"],
                    "external_identifier": loc["external_id"],
                },
                ("id", "location_type"),
            )
        )
        # HSDS requires street, postcode and city: a partial address is not published.
        if loc["address_1"] and loc["postal_code"] and loc["city"]:
            tables["address"].append(
                {
                    "id": derived_id("address", location_id),
                    "location_id": location_id,
                    "address_1": loc["address_1"],
                    "city": loc["city"],
                    "state_province": state,
                    "postal_code": loc["postal_code"],
                    "country": COUNTRY,
                    "address_type": "physical",
                }
            )
        if loc["wheelchair"] or loc["accessibility_description"]:
            tables["accessibility"].append(
                compact(
                    {
                        "id": derived_id("accessibility", location_id),
                        "location_id": location_id,
                        "description": loc["accessibility_description"],
                        "details": WHEELCHAIR_DETAILS.get(loc["wheelchair"], ""),
                    }
                )
            )
    tables["phone"] = [
        _phone(p)
        for p in Phone.objects.filter(location_id__in=ids).order_by("id").values(*PHONE_FIELDS)
    ]
    return tables


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value)


def _schedule(row: dict) -> dict:
    record = {
        "id": str(row["id"]),
        "service_id": str(row["service_id"]),
        "location_id": _str(row["location_id"]),
        "valid_from": _iso(row["valid_from"]),
        "valid_to": _iso(row["valid_to"]),
    }
    if row["kind"] == Schedule.Kind.REGULAR:
        record.update(
            freq="WEEKLY",
            byday=row["weekday"],
            opens_at=_iso(row["opens_at"]),
            closes_at=_iso(row["closes_at"]),
        )
    else:
        starts = _local(row["starts_at"])
        ends = _local(row["ends_at"]) if row["ends_at"] else None
        record.update(
            dtstart=starts.date().isoformat(),
            until=ends.date().isoformat() if ends else None,
            count=1,
            opens_at=starts.time().isoformat(),
            closes_at=ends.time().isoformat() if ends else None,
        )
    record["description"] = row["description"]
    return compact(record)


def _iso(value: dt.date | dt.time | None) -> str | None:
    return None if value is None else value.isoformat()


def service_tables(
    ids: list[uuid.UUID], vocabularies: Vocabularies, *, with_modified: bool = False
) -> dict[str, list[dict]]:
    """Flat HSDS rows of these offers and everything that belongs to each of them.

    `with_modified` adds `last_modified`; the data package leaves it out, because an import
    sets its own change time and the round trip must give the same files.
    """
    tables: dict[str, list[dict]] = defaultdict(list)
    for s in Service.objects.filter(pk__in=ids).order_by("id").values(*SERVICE_FIELDS):
        tables["service"].append(
            compact(
                {
                    "id": str(s["id"]),
                    "organization_id": str(s["organization_id"]),
                    "name": s["name"],
                    "alternate_name": s["alternate_name"],
                    "description": s["description"],
                    "url": s["url"],
                    "email": s["email"],
                    "status": "active" if s["status"] == Service.Status.ACTIVE else "inactive",
                    "application_process": s["application_process"],
                    "eligibility_description": s["eligibility_description"],
                    "minimum_age": years(s["min_age_months"]),
                    "maximum_age": years(s["max_age_months"]),
                    "assured_date": _iso(s["last_confirmed"]),
                    "last_modified": (
                        s["updated_at"].astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
                        if with_modified
                        else None
                    ),
                },
                ("id", "name", "status"),
            )
        )
    tables["service_at_location"] = [
        compact(
            {
                "id": str(row["id"]),
                "service_id": str(row["service_id"]),
                "location_id": str(row["location_id"]),
                "description": row["description"],
            }
        )
        for row in ServiceAtLocation.objects.filter(service_id__in=ids)
        .order_by("id")
        .values("id", "service_id", "location_id", "description")
    ]
    tables["schedule"] = [
        _schedule(row)
        for row in Schedule.objects.filter(service_id__in=ids)
        .order_by("id")
        .values(
            "id",
            "service_id",
            "location_id",
            "kind",
            "weekday",
            "opens_at",
            "closes_at",
            "valid_from",
            "valid_to",
            "starts_at",
            "ends_at",
            "description",
        )
    ]
    tables["cost_option"] = [
        compact(
            {
                "id": str(row["id"]),
                "service_id": str(row["service_id"]),
                "valid_from": _iso(row["valid_from"]),
                "valid_to": _iso(row["valid_to"]),
                "option": COST_OPTIONS.get(row["kind"], row["kind"]),
                "currency": CURRENCY if row["amount"] is not None else None,
                "amount": number(row["amount"]),
                "amount_description": row["amount_description"],
            }
        )
        for row in CostOption.objects.filter(service_id__in=ids)
        .order_by("id")
        .values(
            "id", "service_id", "kind", "amount", "amount_description", "valid_from", "valid_to"
        )
    ]
    with translation.override(DATA_LANGUAGE):
        languages = [
            compact(
                {
                    "id": derived_id("language", str(row["service_id"]), row["code"]),
                    "service_id": str(row["service_id"]),
                    "name": language_name(row["code"]),
                    "code": row["code"],
                    "note": row["note"],
                }
            )
            for row in ServiceLanguage.objects.filter(service_id__in=ids).values(
                "service_id", "code", "note"
            )
        ]
    tables["language"] = sorted(languages, key=lambda r: r["id"])
    tables["phone"] = [
        _phone(p)
        for p in Phone.objects.filter(service_id__in=ids).order_by("id").values(*PHONE_FIELDS)
    ]
    contacts, contact_phones = _role_contacts(Q(service_id__in=ids))
    tables["contact"] = contacts
    tables["phone"] += contact_phones
    links = Service.terms.through.objects.filter(service_id__in=ids).values_list(
        "service_id", "taxonomyterm_id"
    )
    attributes = []
    for service_id, term_pk in links:
        term = vocabularies.terms[term_pk]
        attributes.append(
            {
                "id": derived_id("attribute", str(service_id), term["id"]),
                "link_id": str(service_id),
                "taxonomy_term_id": term["id"],
                "link_entity": "service",
            }
        )
    tables["attribute"] = sorted(attributes, key=lambda r: r["id"])
    return tables


def _by(records: list[dict], key: str) -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for record in records:
        if record.get(key):
            grouped[record[key]].append(record)
    return grouped


def nest_organizations(tables: dict[str, list[dict]]) -> list[dict]:
    """Full organization objects: with their role contacts and phones."""
    contacts = _by(tables["contact"], "organization_id")
    phones = _by([p for p in tables["phone"] if not p.get("contact_id")], "organization_id")
    contact_phones = _by(tables["phone"], "contact_id")
    return [
        compact(
            {
                **org,
                "contacts": [
                    compact({**c, "phones": contact_phones.get(c["id"], [])})
                    for c in contacts.get(org["id"], [])
                ],
                "phones": phones.get(org["id"], []),
            },
            ("id", "name", "description"),
        )
        for org in tables["organization"]
    ]


def nest_locations(tables: dict[str, list[dict]]) -> dict[str, dict]:
    """Full location objects by id: with address, accessibility and phones."""
    addresses = _by(tables.get("address", []), "location_id")
    accessibility = _by(tables.get("accessibility", []), "location_id")
    phones = _by(tables.get("phone", []), "location_id")
    return {
        loc["id"]: compact(
            {
                **loc,
                "addresses": addresses.get(loc["id"], []),
                "accessibility": accessibility.get(loc["id"], []),
                "phones": phones.get(loc["id"], []),
            },
            ("id", "location_type"),
        )
        for loc in tables.get("location", [])
    }


def nest_services(
    tables: dict[str, list[dict]],
    organizations: dict[str, dict],
    locations: dict[str, dict],
    vocabularies: Vocabularies,
) -> list[dict]:
    """Full service objects, as `services/{id}` returns them and services.ndjson holds them.

    `organizations` are the providers' plain records (without nested lists): a service names
    its provider; the provider's own object lives in organizations.ndjson.
    """
    sals = _by(tables["service_at_location"], "service_id")
    schedules = _by(tables["schedule"], "service_id")
    costs = _by(tables["cost_option"], "service_id")
    languages = _by(tables["language"], "service_id")
    phones = _by([p for p in tables["phone"] if not p.get("contact_id")], "service_id")
    contacts = _by(tables["contact"], "service_id")
    contact_phones = _by(tables["phone"], "contact_id")
    attributes = _by(tables["attribute"], "link_id")
    terms = {record["id"]: record for record in vocabularies.terms.values()}
    nested = []
    for service in tables["service"]:
        sid = service["id"]
        nested.append(
            compact(
                {
                    **service,
                    "organization": organizations.get(service["organization_id"]),
                    "service_at_locations": [
                        compact({**sal, "location": locations.get(sal["location_id"])})
                        for sal in sals.get(sid, [])
                    ],
                    "schedules": schedules.get(sid, []),
                    "cost_options": costs.get(sid, []),
                    "languages": languages.get(sid, []),
                    "phones": phones.get(sid, []),
                    "contacts": [
                        compact({**c, "phones": contact_phones.get(c["id"], [])})
                        for c in contacts.get(sid, [])
                    ],
                    "attributes": [
                        {**a, "taxonomy_term": terms[a["taxonomy_term_id"]]}
                        for a in attributes.get(sid, [])
                    ],
                },
                ("id", "name", "status"),
            )
        )
    return nested


def full_services(
    ids: list[uuid.UUID], vocabularies: Vocabularies, *, with_modified: bool = False
) -> list[dict]:
    """Nested service objects for these offers (ordered by id), in a few queries."""
    tables = service_tables(ids, vocabularies, with_modified=with_modified)
    org_ids = sorted({s["organization_id"] for s in tables["service"]})
    organizations = {
        o["id"]: o for o in organization_tables([uuid.UUID(i) for i in org_ids])["organization"]
    }
    location_ids = sorted({sal["location_id"] for sal in tables["service_at_location"]})
    locations = nest_locations(location_tables([uuid.UUID(i) for i in location_ids]))
    return nest_services(tables, organizations, locations, vocabularies)
