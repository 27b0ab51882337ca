"""The preview of an offer import: each row parsed, checked and matched against the Kommune.

`build_preview` reads nothing but the table, the mapping and the Kommune's present offers
(fetched once, in a fixed number of queries, into dicts), and says per row whether the
import would create an offer, update one (and which fields), leave one unchanged, or reject
the row, with errors and warnings that name file, row, column, value and reason. The commit
(`services.offers_import`) builds the same preview inside its transaction and writes it.

Matching: by lueckenlos ID (exports read back), else by external ID, else by name and
address (normalised). Only mapped fields are compared and written: a column left out of the
mapping leaves that field of existing offers as it is. Offers in the trash are matched too:
a row that names one leaves it in the trash, unchanged, with a warning (restoring is a
person's decision, not a file's); providers and locations in the trash are not reused.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

import shapely
from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from rapidfuzz import fuzz
from shapely.prepared import prep

from lueckenlos.areas.geocoding import AMBIGUOUS, MATCHED, address_key, geocoder_for
from lueckenlos.areas.models import Kommune
from lueckenlos.areas.services import area_index
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
    TaxonomyTerm,
)
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE, TARGET_GROUP
from lueckenlos.interop.offers.fields import Mapping
from lueckenlos.interop.offers.values import (
    Cost,
    LanguageReader,
    TermReader,
    ValueProblem,
    key,
    parse_age,
    parse_coordinate,
    parse_costs,
    parse_count,
    parse_date,
    parse_email,
    parse_month_count,
    parse_status,
    parse_url,
    parse_wheelchair,
    parse_year_count,
)
from lueckenlos.interop.tabular import Table
from lueckenlos.lib.geo import (
    BOUNDARY_TOLERANCE_M,
    GeometryError,
    check_wgs84_point,
    distance_outside_m,
    geometry_from_geojson,
)

CREATE = "create"
UPDATE = "update"
UNCHANGED = "unchanged"
REJECTED = "rejected"
ERROR = "error"
WARNING = "warning"

# Names this similar (rapidfuzz ratio, 0–100) at one address are likely one offer twice.
DUPLICATE_SCORE = 92
# The taxonomies each term field fills; "topics" may name a term of any.
TERM_FIELDS = {
    "life_phases": [LIFE_PHASE],
    "fields_of_action": [FIELD_OF_ACTION],
    "target_groups": [TARGET_GROUP],
    "topics": None,
}
SERVICE_VALUE_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "status",
    "min_age_months",
    "max_age_months",
    "last_confirmed",
    "capacity",
    "external_id",
)
LOCATION_VALUE_FIELDS = (
    "name",
    "address_1",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "wheelchair",
)
_PHONE_PARTS = re.compile(r"[;\n]|,\s|\s/\s")


@dataclass(slots=True)
class Issue:
    row: int
    column: str
    value: str
    reason: str
    level: str = ERROR

    def text(self, filename: str) -> str:
        if not self.column:
            return _("%(file)s, row %(row)s: %(reason)s") % {
                "file": filename,
                "row": self.row,
                "reason": self.reason,
            }
        return _("%(file)s, row %(row)s, column “%(column)s”, value “%(value)s”: %(reason)s") % {
            "file": filename,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass(slots=True)
class LocationData:
    """The location a row names: the key it is found by, and its mapped values."""

    key: tuple[str, str, str]
    values: dict[str, Any]
    area_id: int | None = None


@dataclass(slots=True)
class OfferData:
    """A row's values for the mapped fields; None where a part is not mapped at all."""

    service: dict[str, Any]
    lueckenlos_id: str = ""
    provider: str | None = None
    location: LocationData | None = None
    term_ids: set | None = None
    languages: set[str] | None = None
    costs: set[Cost] | None = None
    phones: list[str] | None = None


@dataclass(slots=True)
class PreviewRow:
    number: int
    name: str
    action: str = CREATE
    issues: list[Issue] = field(default_factory=list)
    data: OfferData | None = None
    service_id: uuid.UUID | None = None  # the offer it updates or leaves unchanged
    changes: list[str] = field(default_factory=list)  # labels of the fields that change

    @property
    def errors(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [issue for issue in self.issues if issue.level == WARNING]


@dataclass
class Preview:
    filename: str
    sheet: str | None
    kommune: Kommune
    mapping: Mapping
    rows: list[PreviewRow]
    existing: Existing | None = None  # the Kommune's offers as the preview found them
    covered_taxonomy_ids: set[int] | None = None  # term taxonomies the mapping replaces
    term_taxonomies: dict = field(default_factory=dict)  # term id → taxonomy id

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def totals(self) -> dict[str, int]:
        return {action: self.count(action) for action in (CREATE, UPDATE, UNCHANGED, REJECTED)}

    def issues(self, level: str | None = None) -> list[Issue]:
        return [i for row in self.rows for i in row.issues if level is None or i.level == level]

    def summary(self) -> str:
        totals = self.totals
        return _(
            "%(file)s: %(rows)s rows – %(create)s to create, %(update)s to update, "
            "%(unchanged)s unchanged, %(rejected)s rejected; %(errors)s errors, "
            "%(warnings)s warnings."
        ) % {
            "file": self.filename,
            "rows": len(self.rows),
            "create": totals[CREATE],
            "update": totals[UPDATE],
            "unchanged": totals[UNCHANGED],
            "rejected": totals[REJECTED],
            "errors": len(self.issues(ERROR)),
            "warnings": len(self.issues(WARNING)),
        }

    def lines(self) -> list[str]:
        """The summary, then every error and warning, for the command and logs."""
        lines = [self.summary()]
        for issue in self.issues():
            label = _("Error") if issue.level == ERROR else _("Warning")
            lines.append(f"{label}: {issue.text(self.filename)}")
        return lines


# ----------------------------------------------------------------------- The Kommune's offers


@dataclass
class Existing:
    """The Kommune's offers with what the import compares, read once into dicts."""

    services: dict[Any, dict[str, Any]]
    organization_of: dict[Any, Any]  # service → organization id
    organization_names: dict[Any, str]
    organization_by_key: dict[str, Any]
    locations: dict[Any, dict[str, Any]]
    location_keys: dict[Any, tuple[str, str, str]]
    locations_of: dict[Any, list]  # service → location ids
    services_at: dict[Any, int]  # location → number of offers there
    location_by_key: dict[tuple[str, str, str], Any]
    terms_of: dict[Any, set]
    languages_of: dict[Any, set[str]]
    costs_of: dict[Any, set[Cost]]
    phones_of: dict[Any, list[str]]
    by_external_id: dict[str, Any]
    by_name_address: dict[tuple[str, str, str], list]
    by_address: dict[tuple[str, str], list]
    trashed: set  # offers in the trash: matched, never written

    @classmethod
    def load(cls, kommune: Kommune) -> Existing:
        fetch = _Fetcher()
        # With the trash: a file that names a trashed offer must not create it a second time.
        services = {
            row[0]: dict(zip(("id", "organization_id", *SERVICE_VALUE_FIELDS), row, strict=True))
            for row in fetch(
                Service.all_objects.filter(kommune=kommune),
                "id",
                "organization_id",
                *SERVICE_VALUE_FIELDS,
            )
        }
        trashed = {
            row[0]
            for row in fetch(
                Service.all_objects.filter(kommune=kommune, deleted_at__isnull=False), "id"
            )
        }
        organizations = dict(fetch(Organization.objects.filter(kommune=kommune), "id", "name"))
        organization_by_key: dict[str, Any] = {}
        for pk, name in sorted(organizations.items(), key=lambda item: str(item[0])):
            organization_by_key.setdefault(key(name), pk)
        locations = {
            row[0]: dict(zip(("id", "area_id", *LOCATION_VALUE_FIELDS), row, strict=True))
            for row in fetch(
                Location.objects.filter(kommune=kommune), "id", "area_id", *LOCATION_VALUE_FIELDS
            )
        }
        location_keys = {pk: location_key(row) for pk, row in locations.items()}
        location_by_key: dict[tuple[str, str, str], Any] = {}
        for pk, place in location_keys.items():
            location_by_key.setdefault(place, pk)
        locations_of: dict[Any, list] = defaultdict(list)
        services_at: dict[Any, int] = defaultdict(int)
        for service_id, location_id in fetch(
            ServiceAtLocation.objects.filter(service__kommune=kommune).order_by(
                "service_id", "location_id"
            ),
            "service_id",
            "location_id",
        ):
            if location_id not in locations:
                continue  # a location in the trash: hidden, as the offer's other places show
            locations_of[service_id].append(location_id)
            services_at[location_id] += 1
        terms_of: dict[Any, set] = defaultdict(set)
        for service_id, term_id in fetch(
            Service.terms.through.objects.filter(service__kommune=kommune),
            "service_id",
            "taxonomyterm_id",
        ):
            terms_of[service_id].add(term_id)
        languages_of: dict[Any, set[str]] = defaultdict(set)
        for service_id, code in fetch(
            ServiceLanguage.objects.filter(service__kommune=kommune), "service_id", "code"
        ):
            languages_of[service_id].add(code)
        costs_of: dict[Any, set[Cost]] = defaultdict(set)
        for service_id, kind, amount, description in fetch(
            CostOption.objects.filter(service__kommune=kommune),
            "service_id",
            "kind",
            "amount",
            "amount_description",
        ):
            costs_of[service_id].add(Cost(kind, amount, description))
        phones_of: dict[Any, list[str]] = defaultdict(list)
        for service_id, number in fetch(
            Phone.objects.filter(service__kommune=kommune, location=None, contact=None).order_by(
                "service_id", "number"
            ),
            "service_id",
            "number",
        ):
            phones_of[service_id].append(number)
        by_external_id: dict[str, Any] = {}
        by_name_address: dict[tuple[str, str, str], list] = defaultdict(list)
        by_address: dict[tuple[str, str], list] = defaultdict(list)
        for pk, row in sorted(services.items(), key=lambda item: str(item[0])):
            if row["external_id"]:
                by_external_id.setdefault(row["external_id"], pk)
            for location_id in locations_of.get(pk, []):
                address = location_keys[location_id][1:]
                by_name_address[(key(row["name"]), *address)].append(pk)
                if address[0] and pk not in trashed:
                    by_address[address].append(pk)
        return cls(
            services=services,
            organization_of={pk: row["organization_id"] for pk, row in services.items()},
            organization_names=organizations,
            organization_by_key=organization_by_key,
            locations=locations,
            location_keys=location_keys,
            locations_of=locations_of,
            services_at=services_at,
            location_by_key=location_by_key,
            terms_of=terms_of,
            languages_of=languages_of,
            costs_of=costs_of,
            phones_of=phones_of,
            by_external_id=by_external_id,
            by_name_address=by_name_address,
            by_address=by_address,
            trashed=trashed,
        )


class _Fetcher:
    """Rows of a queryset's columns, converted once per distinct value where it is costly.

    Django converts every UUID it reads (four per offer and part, 50 µs per offer in all);
    here the raw value of each id is converted once, and dates and amounts as the
    comparisons with parsed cells need them.
    """

    def __init__(self):
        self._uuids: dict[Any, uuid.UUID] = {}

    def _uuid(self, value):
        if value is None or isinstance(value, uuid.UUID):
            return value
        found = self._uuids.get(value)
        if found is None:
            found = self._uuids[value] = uuid.UUID(value)
        return found

    @staticmethod
    def _date(value):
        return dt.date.fromisoformat(value) if isinstance(value, str) else value

    @staticmethod
    def _amount(value):
        return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))

    def _converter(self, model, name: str):
        field = model._meta.get_field(name)
        if field.is_relation:
            field = field.target_field
        kind = field.get_internal_type()
        if kind == "UUIDField":
            return self._uuid
        if kind == "DateField":
            return self._date
        if kind == "DecimalField":
            return self._amount
        if kind == "FloatField":
            return lambda value: None if value is None else float(value)
        return None

    def __call__(self, queryset, *names: str) -> Iterator[tuple]:
        sql, params = queryset.values_list(*names).query.sql_with_params()
        converters = [
            (i, c) for i, n in enumerate(names) if (c := self._converter(queryset.model, n))
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            # In batches: a list of all raw rows beside the converted ones would double the
            # memory an import of 100,000 offers needs at its peak.
            while batch := cursor.fetchmany(5000):
                for row in batch:
                    if converters:
                        row = list(row)
                        for index, convert in converters:
                            row[index] = convert(row[index])
                    yield tuple(row)


def _normal_amount(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(Decimal("0.01"))


@lru_cache(maxsize=65536)
def _address_key(text: str) -> str:
    return address_key(text)


def location_key(values: dict[str, Any]) -> tuple[str, str, str]:
    """A location is the same when name, street address and postcode are (normalised)."""
    return (
        key(values.get("name") or ""),
        _address_key(values.get("address_1") or ""),
        (values.get("postal_code") or "").strip(),
    )


# ------------------------------------------------------------------------------- Row reading


class RowReader:
    """Reads one row's mapped cells into OfferData, collecting issues."""

    def __init__(self, kommune: Kommune, mapping: Mapping):
        self.kommune = kommune
        self.mapping = mapping
        values = mapping.values
        terms = list(TaxonomyTerm.objects.select_related("taxonomy"))
        self.term_taxonomies = {term.pk: term.taxonomy_id for term in terms}
        self.term_readers = {
            name: TermReader(terms, taxonomies, values.get("terms"))
            for name, taxonomies in TERM_FIELDS.items()
            if self.is_mapped(name)
        }
        self.languages = LanguageReader(values.get("languages"))
        self.costs_mapped = {key(k): v for k, v in values.get("costs", {}).items()}
        self.ages_mapped = {key(k): v for k, v in values.get("ages", {}).items()}
        self.boundary = geometry_from_geojson(kommune.boundary) if kommune.boundary else None
        self.inside = prep(self.boundary) if self.boundary is not None else None
        # The same cell texts recur on thousands of rows: read each once.
        self._memo: dict[tuple[str, str], Any] = {}

    def is_mapped(self, name: str) -> bool:
        return name in self.mapping.columns or name in self.mapping.defaults

    def cell(self, values: dict[str, str], name: str) -> tuple[str, str] | None:
        """(column shown to the user, text) of a mapped field; None when it is not mapped."""
        column = self.mapping.columns.get(name)
        text = values.get(column, "") if column is not None else ""
        if text == "" and name in self.mapping.defaults:
            return _("default of the mapping"), self.mapping.defaults[name]
        return (column, text) if column is not None else None

    def memo(self, kind: str, text: str, reader):
        memo_key = (kind, text)
        if memo_key not in self._memo:
            try:
                self._memo[memo_key] = reader(text)
            except ValueProblem as exc:
                self._memo[memo_key] = exc
        result = self._memo[memo_key]
        if isinstance(result, ValueProblem):
            raise result
        return result

    def read(self, number: int, values: dict[str, str]) -> tuple[OfferData, list[Issue]]:
        issues: list[Issue] = []

        def problem(cell: tuple[str, str], reason: str, level: str = ERROR) -> None:
            issues.append(Issue(number, cell[0], cell[1], reason, level))

        def parsed(name: str, parser, kind: str | None = None):
            """The parsed value of a mapped, non-empty cell; "" when empty; None if unmapped."""
            cell = self.cell(values, name)
            if cell is None:
                return None
            if not cell[1]:
                return ""
            try:
                return self.memo(kind, cell[1], parser) if kind else parser(cell[1])
            except ValueProblem as exc:
                problem(cell, str(exc))
                return None

        service: dict[str, Any] = {}
        name_cell = self.cell(values, "name")
        name = name_cell[1] if name_cell else ""
        if not name:
            issues.append(
                Issue(number, name_cell[0] if name_cell else "", "", _("the offer has no name"))
            )
        elif len(name) > 300:
            problem(name_cell, _("longer than %(max)s characters") % {"max": 300})
        service["name"] = name[:300]
        for name_, limit in (("description", None), ("external_id", 100)):
            cell = self.cell(values, name_)
            if cell is None:
                continue
            if limit and len(cell[1]) > limit:
                problem(cell, _("longer than %(max)s characters") % {"max": limit})
            service[name_] = cell[1]
        for name_, target, parser in (
            ("website", "url", parse_url),
            ("email", "email", parse_email),
            ("last_confirmed", "last_confirmed", parse_date),
            ("capacity", "capacity", parse_count),
        ):
            value = parsed(name_, parser, name_)
            if value is not None:
                service[target] = None if value == "" and target != "url" else value
        if "email" in service and service["email"] is None:
            service["email"] = ""
        status = parsed("status", parse_status, "status")
        if status:
            service["status"] = status
        self._read_ages(values, service, problem)

        data = OfferData(service=service)
        id_cell = self.cell(values, "id")
        if id_cell is not None:
            data.lueckenlos_id = id_cell[1]
        provider_cell = self.cell(values, "provider")
        if provider_cell is not None:
            data.provider = provider_cell[1][:300] or name[:300]
        data.location = self._read_location(number, values, name, problem, issues)
        self._read_terms(values, data, service, problem)
        language_cell = self.cell(values, "languages")
        if language_cell is not None:
            codes, unknown = self.memo("languages", language_cell[1], self.languages.read)
            data.languages = set(codes)
            for part in unknown:
                problem(
                    language_cell,
                    _(
                        "“%(part)s” is no language lueckenlos knows; write its German name "
                        "(Türkisch) or its ISO 639-1 code (tr), or map it in the value mapping"
                    )
                    % {"part": part},
                    WARNING,
                )
        cost_cell = self.cell(values, "costs")
        if cost_cell is not None:
            try:
                costs = self.memo(
                    "costs", cost_cell[1], lambda t: parse_costs(t, self.costs_mapped)
                )
                data.costs = {normal_cost(cost) for cost in costs}
            except ValueProblem as exc:
                problem(cost_cell, str(exc))
        phone_cell = self.cell(values, "phone")
        if phone_cell is not None:
            data.phones = sorted(
                {p.strip() for p in _PHONE_PARTS.split(phone_cell[1]) if p.strip()}
            )
            if any(len(p) > 50 for p in data.phones):
                problem(phone_cell, _("a telephone number longer than 50 characters"))
        return data, issues

    def _read_ages(self, values, service, problem) -> None:
        names = ("age", "age_from_months", "age_to_months", "age_from_years", "age_to_years")
        if not any(self.is_mapped(n) for n in names):
            return
        low = high = None
        age_cell = self.cell(values, "age")
        if age_cell is not None and age_cell[1]:
            try:
                low, high = self.memo("age", age_cell[1], lambda t: parse_age(t, self.ages_mapped))
            except ValueProblem as exc:
                problem(age_cell, str(exc))
        for name, parser, is_low in (
            ("age_from_months", parse_month_count, True),
            ("age_to_months", parse_month_count, False),
            ("age_from_years", parse_year_count, True),
            ("age_to_years", parse_year_count, False),
        ):
            cell = self.cell(values, name)
            if cell is None or not cell[1]:
                continue
            try:
                months = parser(cell[1])
            except ValueProblem as exc:
                problem(cell, str(exc))
                continue
            if is_low:
                low = months
            else:
                high = months
        if low is not None and high is not None and low >= high:
            cell = self.cell(values, "age_to_months") or self.cell(values, "age_to_years")
            cell = cell or age_cell
            problem(
                cell,
                _("the upper age limit (%(high)s months) must lie above the lower (%(low)s)")
                % {"high": high, "low": low},
            )
        service["min_age_months"] = low
        service["max_age_months"] = high

    def _read_location(self, number, values, name, problem, issues) -> LocationData | None:
        place_fields = (
            "location_name",
            "street_and_number",
            "street",
            "house_number",
            "postal_code",
            "city",
            "latitude",
            "longitude",
            "wheelchair",
        )
        if not any(self.is_mapped(n) for n in place_fields):
            return None
        location: dict[str, Any] = {}
        cell = self.cell(values, "location_name")
        location["name"] = ((cell[1] if cell else "") or name)[:300]
        address_cell = self.cell(values, "street_and_number")
        street_cell = self.cell(values, "street")
        if address_cell is not None or street_cell is not None:
            address = address_cell[1] if address_cell else ""
            if not address and street_cell is not None:
                number_cell = self.cell(values, "house_number")
                house = number_cell[1] if number_cell else ""
                address = f"{street_cell[1]} {house}".strip()
            if len(address) > 300:
                problem(address_cell or street_cell, _("longer than 300 characters"))
            location["address_1"] = address[:300]
        cell = self.cell(values, "postal_code")
        if cell is not None:
            if len(cell[1]) > 10:
                problem(cell, _("longer than 10 characters"))
            elif cell[1] and not re.fullmatch(r"\d{5}", cell[1]):
                problem(cell, _("a German postcode has five digits"), WARNING)
            location["postal_code"] = cell[1][:10]
        cell = self.cell(values, "city")
        if cell is not None:
            location["city"] = cell[1][:100]
        cell = self.cell(values, "wheelchair")
        if cell is not None:
            location["wheelchair"] = ""
            if cell[1]:
                try:
                    location["wheelchair"] = self.memo("wheelchair", cell[1], parse_wheelchair)
                except ValueProblem as exc:
                    problem(cell, str(exc), WARNING)
        self._read_coordinates(values, location, problem)
        if not any(location.get(k) for k in ("address_1", "latitude", "postal_code")):
            # A name alone is no place: an offer without address has no location.
            return None
        return LocationData(key=location_key(location), values=location)

    def _read_coordinates(self, values, location, problem) -> None:
        lat_cell = self.cell(values, "latitude")
        lon_cell = self.cell(values, "longitude")
        if lat_cell is None and lon_cell is None:
            return
        lat_text = lat_cell[1] if lat_cell else ""
        lon_text = lon_cell[1] if lon_cell else ""
        if not lat_text and not lon_text:
            location["latitude"] = location["longitude"] = None
            return
        if not lat_text or not lon_text:
            problem(
                (lat_cell or lon_cell) if not lat_text else (lon_cell or lat_cell),
                _("give both latitude and longitude, or neither"),
            )
            return
        try:
            lat = parse_coordinate(lat_text)
            lon = parse_coordinate(lon_text)
        except ValueProblem as exc:
            problem(lat_cell, str(exc))
            return
        try:
            check_wgs84_point(lon, lat)
        except GeometryError as exc:
            problem(lat_cell, str(exc))
            return
        if self.inside is not None and not self.inside.covers(shapely.Point(lon, lat)):
            distance = distance_outside_m(self.boundary, lon, lat)
            if distance > BOUNDARY_TOLERANCE_M:
                problem(
                    lat_cell,
                    _("the place (%(lon)s, %(lat)s) lies %(distance)d m outside %(kommune)s")
                    % {"lon": lon, "lat": lat, "distance": distance, "kommune": self.kommune.name},
                )
                return
        location["latitude"] = lat
        location["longitude"] = lon

    def _read_terms(self, values, data: OfferData, service, problem) -> None:
        if not self.term_readers:
            return
        data.term_ids = set()
        for name, reader in self.term_readers.items():
            cell = self.cell(values, name)
            if cell is None or not cell[1]:
                continue
            match = self.memo(name, cell[1], reader.read)
            data.term_ids.update(term.pk for term in match.terms)
            for text, term in match.guessed:
                problem(
                    cell,
                    _("“%(text)s” read as “%(term)s”") % {"text": text, "term": term.name},
                    WARNING,
                )
            for text in match.unknown:
                problem(
                    cell,
                    _("“%(text)s” is no known term; known are: %(terms)s")
                    % {"text": text, "terms": reader.known_names()},
                    WARNING,
                )
            low, high = service.get("min_age_months"), service.get("max_age_months")
            for term in match.terms:
                if term.taxonomy.code != LIFE_PHASE or (low is None and high is None):
                    continue
                if (high is not None and term.min_age_months is not None
                        and term.min_age_months >= high) or (
                        low is not None and term.max_age_months is not None
                        and term.max_age_months <= low):  # fmt: skip
                    problem(
                        cell,
                        _("the life phase “%(phase)s” does not fit the age range of the row")
                        % {"phase": term.name},
                    )

    def covered_taxonomy_ids(self) -> set[int] | None:
        """Taxonomies whose terms the mapped term fields replace; None: all of them."""
        covered: set[int] = set()
        for name in self.term_readers:
            codes = TERM_FIELDS[name]
            if codes is None:
                return None
            covered.update(
                term.taxonomy_id
                for reader in self.term_readers.values()
                for term in reader.terms
                if term.taxonomy.code in codes
            )
        return covered


# ------------------------------------------------------------------------------------ Preview


def build_preview(*, table: Table, kommune: Kommune, mapping: Mapping) -> Preview:
    """Parse, check and match every row of `table` (see the module's docstring)."""
    mapping.check_columns(table.columns)
    reader = RowReader(kommune, mapping)
    existing = Existing.load(kommune)
    rows: list[PreviewRow] = []
    for row in table.rows:
        data, issues = reader.read(row.number, row.values)
        preview_row = PreviewRow(number=row.number, name=data.service["name"], issues=issues)
        preview_row.data = data
        rows.append(preview_row)
    covered = reader.covered_taxonomy_ids()
    _match(rows, existing, reader, mapping)
    _place(rows, kommune, existing, reader)
    for row in rows:
        if row.errors:
            row.action = REJECTED
        elif row.service_id in existing.trashed:
            row.action = UNCHANGED
            row.issues.append(
                Issue(
                    row.number,
                    mapping.columns.get("name", ""),
                    row.name,
                    _(
                        "this offer is in the trash; the row changes nothing. Restore it "
                        "from the trash first, then import again"
                    ),
                    WARNING,
                )
            )
        elif row.service_id is not None:
            row.changes = _changes(
                row.data, row.service_id, existing, covered, reader.term_taxonomies
            )
            row.action = UPDATE if row.changes else UNCHANGED
        else:
            row.action = CREATE
    _report_duplicates(rows, existing)
    return Preview(
        filename=table.filename,
        sheet=table.sheet,
        kommune=kommune,
        mapping=mapping,
        rows=rows,
        existing=existing,
        covered_taxonomy_ids=covered,
        term_taxonomies=reader.term_taxonomies,
    )


def _match(rows: list[PreviewRow], existing: Existing, reader: RowReader, mapping: Mapping):
    """Each row's offer: by lueckenlos ID, external ID, else name and address."""
    seen_external: dict[str, int] = {}
    seen_key: dict[tuple[str, str, str], PreviewRow] = {}
    claimed: dict[Any, int] = {}
    for row in rows:
        data = row.data
        external_id = data.service.get("external_id", "")
        external_column = mapping.columns.get("external_id", "")
        if external_id:
            if external_id in seen_external:
                row.issues.append(
                    Issue(
                        row.number,
                        external_column,
                        external_id,
                        _("the external ID appears already in row %(row)s")
                        % {"row": seen_external[external_id]},
                    )
                )
                continue
            seen_external[external_id] = row.number
        place = data.location.key[1:] if data.location else ("", "")
        name_key = (key(data.service["name"]), *place)
        found = None
        id_text = data.lueckenlos_id
        if id_text:
            try:
                candidate = uuid.UUID(id_text)
            except ValueError:
                candidate = None
            if candidate in existing.services:
                found = candidate
            else:
                row.issues.append(
                    Issue(
                        row.number,
                        mapping.columns["id"],
                        id_text,
                        _("no offer of %(kommune)s has this ID; the row is matched otherwise")
                        % {"kommune": reader.kommune.name},
                        WARNING,
                    )
                )
        if found is None and external_id:
            found = existing.by_external_id.get(external_id)
        if found is None:
            for candidate in existing.by_name_address.get(name_key, []):
                other = existing.services[candidate]["external_id"]
                # Under another external ID it is another offer (reported as a duplicate).
                if not external_id or not other:
                    found = candidate
                    break
        if found is None and not external_id and name_key in seen_key:
            first = seen_key[name_key]
            row.issues.append(
                Issue(
                    row.number,
                    mapping.columns.get("name", ""),
                    data.service["name"],
                    _(
                        "the same offer at the same address as row %(row)s; give each an "
                        "external ID or remove one"
                    )
                    % {"row": first.number},
                )
            )
            continue
        seen_key.setdefault(name_key, row)
        if found is not None:
            if found in claimed:
                row.issues.append(
                    Issue(
                        row.number,
                        "",
                        "",
                        _("row %(row)s updates the same offer already") % {"row": claimed[found]},
                    )
                )
                continue
            claimed[found] = row.number
            row.service_id = found


def _place(rows: list[PreviewRow], kommune: Kommune, existing: Existing, reader: RowReader):
    """Coordinates for locations without them (kept, or from the geocoder), and their area."""
    geocoder = None
    placed: list[LocationData] = []
    for row in rows:
        location = row.data.location if not row.errors else None
        if location is None or row.service_id in existing.trashed:
            continue
        values = location.values
        if values.get("latitude") is None:
            current = current_location(row.service_id, location.key, existing)
            if (
                current is not None
                and current["latitude"] is not None
                and (
                    "address_1" not in values
                    or _address_key(current["address_1"]) == _address_key(values["address_1"])
                )
            ):
                # Placed before (by an earlier import or by hand) at the same address.
                values["latitude"], values["longitude"] = current["latitude"], current["longitude"]
            elif values.get("address_1"):
                if geocoder is None:
                    geocoder = geocoder_for(kommune)
                _geocode(row, values, geocoder, reader)
        if values.get("latitude") is not None:
            placed.append(location)
    if placed:
        keys = area_index(kommune).locate_many(
            [(loc.values["longitude"], loc.values["latitude"]) for loc in placed]
        )
        for location, area_id in zip(placed, keys, strict=True):
            location.area_id = area_id


def _geocode(row: PreviewRow, values: dict, geocoder, reader: RowReader) -> None:
    result = geocoder.geocode(
        street_and_number=values["address_1"],
        postal_code=values.get("postal_code", ""),
        city=values.get("city", ""),
    )
    column = reader.mapping.columns.get("street_and_number") or reader.mapping.columns.get(
        "street", ""
    )
    if result.status == MATCHED:
        values["latitude"], values["longitude"] = result.latitude, result.longitude
        return
    found = "; ".join(result.candidates) or _("nothing")
    if result.status == AMBIGUOUS:
        reason = _(
            "no coordinates, and the address is ambiguous in the address register (found: "
            "%(found)s); give coordinates"
        ) % {"found": found}
    elif len(geocoder) == 0 and not getattr(settings, "NOMINATIM_URL", ""):
        reason = _(
            "no coordinates, and %(kommune)s has no address register to place the address "
            "(lueckenlos import-addresses); the offer is not shown on the map"
        ) % {"kommune": reader.kommune.name}
    else:
        reason = _(
            "no coordinates, and the address was not found in the address register (found: "
            "%(found)s); the offer is not shown on the map"
        ) % {"found": found}
    row.issues.append(Issue(row.number, column, values["address_1"], reason, WARNING))


def current_location(service_id, place: tuple[str, str, str], existing: Existing) -> dict | None:
    """The present location a row's location stands for: among its offer's locations the one
    with the same name and address, else its only one; for a new offer the Kommune's
    location with the same name and address."""
    if service_id is None:
        pk = existing.location_by_key.get(place)
        return existing.locations.get(pk) if pk else None
    linked = existing.locations_of.get(service_id, [])
    for pk in linked:
        if existing.location_keys[pk] == place:
            return existing.locations[pk]
    return existing.locations[linked[0]] if len(linked) == 1 else None


def _changes(
    data: OfferData, service_id, existing: Existing, covered: set[int] | None, taxonomies: dict
) -> list[str]:
    """Labels of the fields a row changes on its offer; empty when all are as they are."""
    changes = []
    current = existing.services[service_id]
    for name, value in data.service.items():
        if current[name] != value:
            changes.append(str(Service._meta.get_field(name).verbose_name))
    if data.provider is not None:
        organization = existing.organization_of[service_id]
        if key(existing.organization_names[organization]) != key(data.provider):
            changes.append(str(Service._meta.get_field("organization").verbose_name))
    if data.location is not None:
        now = current_location(service_id, data.location.key, existing)
        if now is None:
            changes.append(str(Location._meta.verbose_name))
        else:
            for name, value in data.location.values.items():
                if now[name] != value:
                    changes.append(str(Location._meta.get_field(name).verbose_name))
            if now["area_id"] != data.location.area_id:
                changes.append(str(Location._meta.get_field("area").verbose_name))
    if data.term_ids is not None:
        now = existing.terms_of.get(service_id, set())
        if term_ids_for_write(data, service_id, existing, covered, taxonomies) != now:
            changes.append(str(Service._meta.get_field("terms").verbose_name))
    for part, label, now in (
        (data.languages, _("languages"), existing.languages_of.get(service_id, set())),
        (data.costs, _("costs"), existing.costs_of.get(service_id, set())),
    ):
        if part is not None and part != now:
            changes.append(str(label))
    if data.phones is not None and data.phones != existing.phones_of.get(service_id, []):
        changes.append(str(_("telephone")))
    return changes


def normal_cost(cost: Cost) -> Cost:
    return Cost(cost.kind, _normal_amount(cost.amount), cost.description)


def _is_covered(term_id, covered: set[int] | None, taxonomies: dict) -> bool:
    return covered is None or taxonomies.get(term_id) in covered


def _report_duplicates(rows: list[PreviewRow], existing: Existing) -> None:
    """Warn about likely duplicates: near-identical names at one address, in the file or
    among the Kommune's offers under another external ID."""
    at_address: dict[tuple[str, str], list[PreviewRow]] = defaultdict(list)
    for row in rows:
        if row.action == REJECTED or row.data.location is None:
            continue
        address = row.data.location.key[1:]
        if not address[0]:
            continue
        name = key(row.name)
        for other in at_address[address]:
            if fuzz.ratio(name, key(other.name)) >= DUPLICATE_SCORE:
                row.issues.append(
                    Issue(
                        row.number,
                        "",
                        "",
                        _("likely the same offer as row %(row)s (“%(name)s”, same address)")
                        % {"row": other.number, "name": other.name},
                        WARNING,
                    )
                )
                break
        at_address[address].append(row)
        if row.action != CREATE:
            continue
        for service_id in existing.by_address.get(address, []):
            service = existing.services[service_id]
            if fuzz.ratio(name, key(service["name"])) >= DUPLICATE_SCORE:
                row.issues.append(
                    Issue(
                        row.number,
                        "",
                        "",
                        _(
                            "likely the same offer as “%(name)s” (external ID “%(external_id)s”) "
                            "at the same address, which lueckenlos has already"
                        )
                        % {"name": service["name"], "external_id": service["external_id"]},
                        WARNING,
                    )
                )
                break


def term_ids_for_write(
    data: OfferData, service_id, existing: Existing, covered: set[int] | None, taxonomies: dict
) -> set:
    """The offer's terms after the import: those of vocabularies the mapping does not cover
    stay (a sheet with only a life-phase column keeps the fields of action set by hand)."""
    now = existing.terms_of.get(service_id, set()) if service_id else set()
    kept = {t for t in now if not _is_covered(t, covered, taxonomies)}
    return kept | (data.term_ids or set())
