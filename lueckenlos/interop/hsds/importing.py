"""Importing an HSDS 3.0 package from another system into one Kommune: all or nothing.

`import_package` reads the package (reading.py), flattens and checks each record against
the official schemas (checks.py), turns it into our records and writes them in bulk, chunk by
chunk, in one transaction. Records are matched by their HSDS id, which becomes our id (an id
that is no UUID gets a name-based one, and the original is kept as external id), so
importing the same package twice changes nothing, and an updated package updates.

Tolerated, with a warning naming file, record, field, value and reason: HTML in texts
(turned into plain text), records without a name (named from `alternate_name`, else
skipped, with what depends on them), unknown fields (ignored, one warning per field),
offers without a location, values our model cannot hold (an invalid e-mail or web address
is left out, a text too long is cut). Terms the package defines are kept as terms of their
taxonomy (a foreign taxonomy is created for them); a link to a term the package does not
define is left out with a warning. Contacts with a person's name are not taken over (only
their role, e-mail and phones). Vocabularies already here are never changed by a feed.

Records in the trash here (offers, providers, locations) are matched by their id too, and
left in the trash unchanged, with a warning: restoring is a person's decision. Each provider,
location and offer the import creates or changes (its fields or its terms) gets one version
in its history, marked "imported"; an unchanged package writes none.

Any error (a value the schema refuses, a record of another Kommune, a broken file) stops the
import: nothing is written, and every error is reported.
"""

from __future__ import annotations

import datetime as dt
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.areas.services import area_index
from lueckenlos.catalogue.languages import is_known_language
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
    Weekday,
)
from lueckenlos.catalogue.services import record_versions
from lueckenlos.catalogue.vocabularies import LIFE_PHASE
from lueckenlos.interop.hsds import serialize
from lueckenlos.interop.hsds.checks import check, flatten, plain_text, typed_csv_record
from lueckenlos.interop.hsds.reading import Package, PackageError, Record, Where, chunks
from lueckenlos.lib.bulk import fewer_gc_passes, insert, insert_tuples
from lueckenlos.lib.geo import GeometryError, check_wgs84_point
from lueckenlos.search.indexing import indexing_deferred, reindex_kommune

FOREIGN_NAMESPACE = uuid.UUID("0b6f0d4e-3c1f-4a4e-9c55-9f1d2b7c8e11")
BATCH = 1_000
# Tables written per chunk, parents before what refers to them.
ORDER = [
    "taxonomy",
    "taxonomy_term",
    "organization",
    "location",
    "service",
    "service_at_location",
    "schedule",
    "cost_option",
    "language",
    "contact",
    "phone",
    "attribute",
]
FREE_WORDS = ("kostenlos", "kostenfrei", "gratis", "free", "frei", "0 €", "0,00")
BUT_WORDS = ("bildung und teilhabe", "but")
STATUS = {"active": Service.Status.ACTIVE}  # inactive, defunct, temporarily closed: inactive
PHONE_KINDS = set(Phone.Kind.values)
AGE_SPAN = re.compile(r"\s*\[Alter in Monaten: (-?\d*) bis (-?\d*)\]$")
WHEELCHAIR = {text: code for code, text in serialize.WHEELCHAIR_DETAILS.items()}
COSTS = {text: code for code, text in serialize.COST_OPTIONS.items()}


class ImportFailed(Exception):
    """The package was refused; `report` lists every error (nothing was written)."""

    def __init__(self, report: ImportReport):
        super().__init__("\n".join(report.errors))
        self.report = report


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    deleted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    skipped: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    form: str = ""
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return (
            any(self.created.values()) or any(self.updated.values()) or any(self.deleted.values())
        )


def _message(where: Where, record_id: object, field_name: str, value: object, reason: str) -> str:
    value_text = str(value)
    if len(value_text) > 80:
        value_text = value_text[:77] + "…"
    return _(
        "%(file)s, record %(row)s (id %(id)s), field %(field)s, value “%(value)s”: %(reason)s"
    ) % {
        "file": where.file,
        "row": where.row,
        "id": record_id if record_id not in (None, "") else "–",
        "field": f"{where.path}.{field_name}" if where.path else field_name,
        "value": value_text,
        "reason": reason,
    }


class _Import:
    """One run: the ids seen so far, the messages, and how each table is written."""

    def __init__(self, kommune: Kommune, report: ImportReport, source: str):
        self.kommune = kommune
        self.report = report
        self.source = source[:300]
        self.seen: dict[str, set] = defaultdict(set)
        self.skipped_services: set[uuid.UUID] = set()
        self.unknown_fields: set[tuple[str, str]] = set()
        self.originals: dict[uuid.UUID, str] = {}  # our id -> a feed's id that was no UUID
        self.sal_owner: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}
        self.addresses: dict[str, dict] = {}
        self.accessibility: dict[str, dict] = {}
        self.area_index = area_index(kommune)
        self._taxonomies: dict[str, Taxonomy] | None = None
        self._terms: dict[str, uuid.UUID] | None = None
        self.known_organizations: set[uuid.UUID] = set()
        self.known_locations: set[uuid.UUID] = set()
        self.known_contacts: set[uuid.UUID] = set()
        self.imported_services: set[uuid.UUID] = set()
        self.changed_services: set[uuid.UUID] = set()
        self.service_places: dict[uuid.UUID, Where] = {}
        self.sal_pairs: set[tuple[uuid.UUID, uuid.UUID]] = set()
        # Records created or changed, for their history; records found in the trash.
        self.written: dict[type[models.Model], set[uuid.UUID]] = defaultdict(set)
        self.terms_changed: set[uuid.UUID] = set()  # offers whose terms alone may have changed
        self.trashed: dict[str, set[uuid.UUID]] = defaultdict(set)

    # messages -----------------------------------------------------------------------------

    def warn(self, where: Where, record: dict, field_name: str, value: object, reason: str) -> None:
        self.report.warnings.append(_message(where, record.get("id"), field_name, value, reason))

    def error(
        self, where: Where, record: dict, field_name: str, value: object, reason: str
    ) -> None:
        self.report.errors.append(_message(where, record.get("id"), field_name, value, reason))

    def warn_unknown(self, table: str, where: Where, key: str) -> None:
        if (table, key) not in self.unknown_fields:
            self.unknown_fields.add((table, key))
            self.report.warnings.append(
                _(
                    "%(file)s: the field “%(field)s” of %(table)s is not part of HSDS 3.0 and "
                    "is ignored (reported once)."
                )
                % {"file": where.file, "field": key, "table": table}
            )

    def warn_missing(self, table: str, where: Where, key: str) -> None:
        if (table, f"missing:{key}") not in self.unknown_fields:
            self.unknown_fields.add((table, f"missing:{key}"))
            self.report.warnings.append(
                _(
                    "%(file)s: the field “%(field)s” of %(table)s is required by HSDS 3.0 but "
                    "missing; the records are imported without it (reported once)."
                )
                % {"file": where.file, "field": key, "table": table}
            )

    # values -------------------------------------------------------------------------------

    def uid(self, value: object, table: str) -> uuid.UUID | None:
        """Our id for a feed's id: the UUID itself, or one derived from it (kept as original)."""
        if value in (None, ""):
            return None
        text = str(value).strip()
        try:
            return uuid.UUID(text)
        except ValueError:
            derived = uuid.uuid5(FOREIGN_NAMESPACE, f"{table}:{text}")
            self.originals[derived] = text
            return derived

    def text(
        self, where: Where, record: dict, key: str, model: type[models.Model], name: str
    ) -> str:
        value = record.get(key)
        if value in (None, ""):
            return ""
        value = str(value)
        plain, had_html = plain_text(value)
        if had_html:
            self.warn(where, record, key, value, _("HTML turned into plain text"))
        limit = model._meta.get_field(name).max_length
        if limit and len(plain) > limit:
            self.warn(
                where,
                record,
                key,
                value,
                _("longer than %(limit)s characters, cut") % {"limit": limit},
            )
            plain = plain[:limit]
        return plain

    def email(self, where: Where, record: dict, key: str) -> str:
        value = str(record.get(key) or "").strip()
        if not value:
            return ""
        try:
            validate_email(value)
        except ValidationError:
            self.warn(where, record, key, value, _("not an e-mail address, left out"))
            return ""
        return value

    def url(self, where: Where, record: dict, key: str) -> str:
        value = str(record.get(key) or "").strip()
        if not value:
            return ""
        try:
            URLValidator()(value)
        except ValidationError:
            self.warn(where, record, key, value, _("not a web address, left out"))
            return ""
        if len(value) > 500:
            self.warn(where, record, key, value, _("web address too long, left out"))
            return ""
        return value

    def date(self, where: Where, record: dict, key: str) -> dt.date | None:
        value = record.get(key)
        if value in (None, ""):
            return None
        try:
            return dt.date.fromisoformat(str(value)[:10])
        except ValueError:
            self.warn(where, record, key, value, _("not a date (YYYY-MM-DD), left out"))
            return None

    def time_of_day(self, where: Where, record: dict, key: str) -> dt.time | None:
        value = record.get(key)
        if value in (None, ""):
            return None
        try:
            return dt.time.fromisoformat(str(value).removesuffix("Z"))
        except ValueError:
            self.warn(where, record, key, value, _("not a time (HH:MM), left out"))
            return None

    def name(self, table: str, where: Where, record: dict, model: type[models.Model]) -> str:
        """The record's name; else its alternate name (with a warning); else "" (skip it)."""
        name = self.text(where, record, "name", model, "name").strip()
        if name:
            return name
        alternate = self.text(where, record, "alternate_name", model, "name").strip()
        if alternate:
            self.warn(where, record, "name", "", _("empty; named by its alternate name"))
            return alternate
        self.warn(where, record, "name", "", _("empty; the record is skipped"))
        self.report.skipped[table] += 1
        return ""

    # writing ------------------------------------------------------------------------------

    def sync(
        self,
        model: type[models.Model],
        table: str,
        rows: dict[uuid.UUID, dict],
        owners: Iterable[str],
        places: dict[uuid.UUID, Where],
    ) -> list[uuid.UUID]:
        """Create or update these rows by id; refuse ids owned by another Kommune.

        Returns the ids created or changed. A record in the trash is left there, unchanged,
        with a warning, and its id noted in `self.trashed[table]`.
        """
        if not rows:
            return []
        fields = sorted({key for row in rows.values() for key in row})
        owners = list(owners)
        trashable = hasattr(model, "all_objects")
        # With the trash: a trashed record keeps its id, so creating it again would collide.
        manager = model.all_objects if trashable else model.objects
        extra = ["deleted_at"] if trashable else []
        existing = {
            item["pk"]: item
            for item in manager.filter(pk__in=list(rows)).values("pk", *fields, *owners, *extra)
        }
        create: list[dict] = []
        update = []
        pk_name = model._meta.pk.attname
        for pk, row in rows.items():
            old = existing.get(pk)
            if old is None:
                create.append({**row, pk_name: pk})
                continue
            foreign = [old[o] for o in owners if old[o] is not None and old[o] != self.kommune.pk]
            if foreign:
                self.error(
                    places[pk], {"id": pk}, "id", pk, _("this id belongs to another Kommune")
                )
                continue
            if old.get("deleted_at") is not None:
                self.trashed[table].add(pk)
                self.warn(
                    places[pk],
                    {"id": pk},
                    "id",
                    pk,
                    _(
                        "this record is in the trash here; it stays there, unchanged. Restore "
                        "it first, then import again"
                    ),
                )
                self.report.skipped[table] += 1
                continue
            if any(old[key] != value for key, value in row.items()):
                update.append(model(pk=pk, **row))
        # As bulk_create would write them, without a model instance for each (lib.bulk).
        insert(model, create)
        if update:
            if trashable:
                # An editor who loaded the record before the import must not overwrite it.
                for obj in update:
                    obj.version = F("version") + 1
                fields = [*fields, "version"]
            model.objects.bulk_update(update, fields, batch_size=BATCH)
        changed = [row[pk_name] for row in create] + [obj.pk for obj in update]
        if trashable:
            self.written[model].update(changed)
        self.report.created[table] += len(create)
        self.report.updated[table] += len(update)
        return changed

    def first_time(self, table: str, pk: uuid.UUID) -> bool:
        if pk in self.seen[table]:
            return False
        self.seen[table].add(pk)
        return True

    # tables -------------------------------------------------------------------------------

    def taxonomies(self) -> dict[str, Taxonomy]:
        if self._taxonomies is None:
            self._taxonomies = {
                serialize.taxonomy_hsds_id(t.code): t for t in Taxonomy.objects.all()
            }
        return self._taxonomies

    def terms(self) -> dict[str, uuid.UUID]:
        if self._terms is None:
            codes = dict(Taxonomy.objects.values_list("pk", "code"))
            self._terms = {
                serialize.term_hsds_id(codes[taxonomy_id], code, pk): pk
                for pk, taxonomy_id, code in TaxonomyTerm.objects.values_list(
                    "pk", "taxonomy_id", "code"
                )
            }
        return self._terms

    def import_taxonomy(self, records: list[Record]) -> None:
        for where, record in records:
            hsds_id = str(self.uid(record["id"], "taxonomy"))
            if hsds_id in self.taxonomies():
                continue  # our vocabularies and ones imported before are not changed by feeds
            name = self.name("taxonomy", where, record, Taxonomy)
            if not name:
                continue
            uri = str(record.get("uri") or "")
            code = f"{serialize.FOREIGN_TAXONOMY_PREFIX}{hsds_id}"
            if uri.startswith(serialize.TAXONOMY_URN):
                ours = uri.removeprefix(serialize.TAXONOMY_URN)
                if serialize.taxonomy_hsds_id(ours) == hsds_id:
                    code, uri = ours, ""  # a vocabulary of another lueckenlos installation
            description = self.text(where, record, "description", Taxonomy, "description")
            taxonomy = Taxonomy.objects.create(
                code=code,
                name=name,
                description="" if description == name else description,
                uri=uri[:200],
                version=self.text(where, record, "version", Taxonomy, "version"),
            )
            self.taxonomies()[hsds_id] = taxonomy
            self.report.created["taxonomy"] += 1

    def import_taxonomy_term(self, records: list[Record]) -> None:
        parents = []
        for where, record in records:
            hsds_id = str(self.uid(record["id"], "taxonomy_term"))
            if hsds_id in self.terms():
                continue
            taxonomy = self.taxonomies().get(str(self.uid(record.get("taxonomy_id"), "taxonomy")))
            if taxonomy is None:
                self.warn(
                    where,
                    record,
                    "taxonomy_id",
                    record.get("taxonomy_id", ""),
                    _("the term's taxonomy is not in the package; the term is skipped"),
                )
                self.report.skipped["taxonomy_term"] += 1
                continue
            name = self.name("taxonomy_term", where, record, TaxonomyTerm)
            if not name:
                continue
            code = str(record.get("code") or "")
            if (
                not code
                or len(code) > 80
                or TaxonomyTerm.objects.filter(taxonomy=taxonomy, code=code).exists()
            ):
                code = hsds_id
            description = self.text(where, record, "description", TaxonomyTerm, "description")
            low = high = None
            span = AGE_SPAN.search(description) if taxonomy.code == LIFE_PHASE else None
            if span:
                low = int(span.group(1)) if span.group(1) else None
                high = int(span.group(2)) if span.group(2) else None
                description = description[: span.start()]
            term = TaxonomyTerm.objects.create(
                id=uuid.UUID(hsds_id),
                taxonomy=taxonomy,
                code=code,
                name=name,
                description="" if description == name else description,
                position=taxonomy.terms.count(),
                min_age_months=low,
                max_age_months=high,
            )
            self.terms()[hsds_id] = term.pk
            self.report.created["taxonomy_term"] += 1
            if record.get("parent_id"):
                parents.append((term, str(self.uid(record["parent_id"], "taxonomy_term"))))
        for term, parent_id in parents:
            if parent_id in self.terms():
                TaxonomyTerm.objects.filter(pk=term.pk).update(parent_id=self.terms()[parent_id])

    def import_organization(self, records: list[Record]) -> None:
        rows, places = {}, {}
        for where, record in records:
            pk = self.uid(record["id"], "organization")
            if not self.first_time("organization", pk):
                continue
            name = self.name("organization", where, record, Organization)
            if not name:
                continue
            description = self.text(where, record, "description", Organization, "description")
            rows[pk] = {
                "kommune_id": self.kommune.pk,
                "name": name,
                "alternate_name": self.text(where, record, "alternate_name", Organization, "name"),
                "description": "" if description == name else description,
                "email": self.email(where, record, "email"),
                "website": self.url(where, record, "website"),
                "provider_type": self.text(
                    where, record, "legal_status", Organization, "provider_type"
                ),
            }
            if pk in self.originals:
                rows[pk]["external_id"] = self.originals[pk][:100]
            places[pk] = where
        self.sync(Organization, "organization", rows, ["kommune_id"], places)
        self.known_organizations.update(rows)

    def import_location(self, records: list[Record]) -> None:
        rows, places = {}, {}
        # HSDS publishes only complete addresses: a location the package gives none keeps
        # the partial address it has (a town without street), not an empty one.
        kept_addresses = {
            pk: {"address_1": street, "postal_code": postcode, "city": city}
            for pk, street, postcode, city in Location.objects.filter(
                kommune=self.kommune,
                pk__in=[self.uid(record["id"], "location") for _where, record in records],
            ).values_list("pk", "address_1", "postal_code", "city")
        }
        for where, record in records:
            pk = self.uid(record["id"], "location")
            if not self.first_time("location", pk):
                continue
            address = self.addresses.get(str(record["id"]), {})
            access = self.accessibility.get(str(record["id"]), {})
            name = self.text(where, record, "name", Location, "name")
            if not name:
                name = str(address.get("address_1") or "").strip()[:300]
                if not name:
                    self.warn(where, record, "name", "", _("empty; the location is skipped"))
                    self.report.skipped["location"] += 1
                    continue
                self.warn(where, record, "name", "", _("empty; named by its street address"))
            organization = self.uid(record.get("organization_id"), "organization")
            latitude, longitude = record.get("latitude"), record.get("longitude")
            if latitude is not None or longitude is not None:
                try:
                    check_wgs84_point(longitude, latitude)
                except (GeometryError, TypeError) as exc:
                    self.warn(where, record, "latitude", f"{latitude}, {longitude}", str(exc))
                    latitude = longitude = None
            wheelchair = WHEELCHAIR.get(str(access.get("details") or "").strip().lower(), "")
            street = " ".join(
                str(address.get(k) or "").strip() for k in ("address_1", "address_2")
            ).strip()
            rows[pk] = {
                "kommune_id": self.kommune.pk,
                "organization_id": organization
                if organization in self.known_organizations
                else None,
                "name": name,
                "description": self.text(where, record, "description", Location, "description"),
                **(
                    {
                        "address_1": street[:300],
                        "postal_code": str(address.get("postal_code") or "").strip()[:10],
                        "city": str(address.get("city") or "").strip()[:100],
                    }
                    if address or pk not in kept_addresses
                    else kept_addresses[pk]
                ),
                "latitude": latitude,
                "longitude": longitude,
                "wheelchair": wheelchair,
                "accessibility_description": self.text(
                    where, access, "description", Location, "accessibility_description"
                ),
                "external_id": str(record.get("external_identifier") or self.originals.get(pk, ""))[
                    :100
                ],
            }
            places[pk] = where
        keys = self.area_index.locate_many(
            [
                (row["longitude"], row["latitude"])
                for row in rows.values()
                if row["latitude"] is not None
            ]
        )
        placed = iter(keys)
        for pk, row in rows.items():
            row["area_id"] = next(placed) if row["latitude"] is not None else None
            if row["latitude"] is not None and row["area_id"] is None:
                self.warn(
                    places[pk],
                    {"id": pk},
                    "latitude",
                    f"{row['latitude']}, {row['longitude']}",
                    _("lies outside every area of the Kommune; kept, check its coordinates"),
                )
        self.sync(Location, "location", rows, ["kommune_id"], places)
        self.known_locations.update(rows)

    def import_service(self, records: list[Record]) -> None:
        rows, places = {}, {}
        for where, record in records:
            pk = self.uid(record["id"], "service")
            if not self.first_time("service", pk):
                continue
            name = self.name("service", where, record, Service)
            organization = self.uid(record.get("organization_id"), "organization")
            if name and organization not in self.known_organizations:
                self.warn(
                    where,
                    record,
                    "organization_id",
                    record.get("organization_id", ""),
                    _("no such provider in the package; the offer is skipped"),
                )
                self.report.skipped["service"] += 1
                name = ""
            elif name and organization in self.trashed["organization"]:
                # Live offers of a trashed provider would contradict the trash's promise.
                self.warn(
                    where,
                    record,
                    "organization_id",
                    record.get("organization_id", ""),
                    _("the provider is in the trash here; the offer is skipped"),
                )
                self.report.skipped["service"] += 1
                name = ""
            if not name:
                self.skipped_services.add(pk)
                continue
            low = self.months(where, record, "minimum_age")
            high = self.months(where, record, "maximum_age")
            if low is not None and high is not None and low >= high:
                self.warn(
                    where,
                    record,
                    "maximum_age",
                    record["maximum_age"],
                    _("not above the minimum age; both left out"),
                )
                low = high = None
            rows[pk] = {
                "kommune_id": self.kommune.pk,
                "organization_id": organization,
                "name": name,
                "alternate_name": self.text(
                    where, record, "alternate_name", Service, "alternate_name"
                ),
                "description": self.text(where, record, "description", Service, "description"),
                "url": self.url(where, record, "url"),
                "email": self.email(where, record, "email"),
                "status": STATUS.get(record.get("status"), Service.Status.INACTIVE),
                "eligibility_description": self.text(
                    where, record, "eligibility_description", Service, "eligibility_description"
                ),
                "application_process": self.text(
                    where, record, "application_process", Service, "application_process"
                ),
                "min_age_months": low,
                "max_age_months": high,
                "last_confirmed": self.date(where, record, "assured_date"),
            }
            places[pk] = where
        changed = self.sync(Service, "service", rows, ["kommune_id"], places)
        # bulk_update leaves auto_now alone: the offers that changed get their change time.
        Service.objects.filter(pk__in=changed).update(updated_at=timezone.now())
        self.changed_services.update(changed)
        # An offer in the trash is not written, nor its details: as if the package left it out.
        trashed = self.trashed["service"].intersection(rows)
        self.skipped_services.update(trashed)
        self.imported_services.update(pk for pk in rows if pk not in trashed)
        self.service_places.update(places)

    def months(self, where: Where, record: dict, key: str) -> int | None:
        value = record.get(key)
        if value is None:
            return None
        months = round(float(value) * 12)
        if months < 0:
            self.warn(where, record, key, value, _("negative age, left out"))
            return None
        return months

    def owner_service(self, where: Where, record: dict, table: str) -> uuid.UUID | None:
        """The offer a detail belongs to: by service_id or its service_at_location."""
        service = self.uid(record.get("service_id"), "service")
        if service is None and record.get("service_at_location_id"):
            sal = self.uid(record["service_at_location_id"], "service_at_location")
            service = self.sal_owner.get(sal, (None, None))[0]
        if service in self.skipped_services:
            self.report.skipped[table] += 1
            return None
        if service not in self.imported_services:
            self.warn(
                where,
                record,
                "service_id",
                record.get("service_id", ""),
                _("no such offer in the package; the record is skipped"),
            )
            self.report.skipped[table] += 1
            return None
        return service

    def import_service_at_location(self, records: list[Record]) -> None:
        rows, places = {}, {}
        for where, record in records:
            pk = self.uid(record["id"], "service_at_location")
            if not self.first_time("service_at_location", pk):
                continue
            service = self.owner_service(where, record, "service_at_location")
            if service is None:
                continue
            location = self.uid(record.get("location_id"), "location")
            if location not in self.known_locations:
                self.warn(
                    where,
                    record,
                    "location_id",
                    record.get("location_id", ""),
                    _("no such location in the package; the offer stays without it"),
                )
                continue
            if (service, location) in self.sal_pairs:
                continue
            self.sal_pairs.add((service, location))
            self.sal_owner[pk] = (service, location)
            rows[pk] = {
                "service_id": service,
                "location_id": location,
                "description": self.text(
                    where, record, "description", ServiceAtLocation, "description"
                ),
            }
            places[pk] = where
        self.sync(ServiceAtLocation, "service_at_location", rows, ["service__kommune_id"], places)

    def import_schedule(self, records: list[Record]) -> None:
        rows, places = {}, {}
        for where, record in records:
            base = self.uid(record["id"], "schedule")
            if not self.first_time("schedule", base):
                continue
            service = self.owner_service(where, record, "schedule")
            if service is None:
                continue
            location = self.uid(record.get("location_id"), "location")
            if record.get("service_at_location_id"):
                sal = self.uid(record["service_at_location_id"], "service_at_location")
                location = location or self.sal_owner.get(sal, (None, None))[1]
            if location not in self.known_locations:
                location = None
            common = {
                "service_id": service,
                "location_id": location,
                "valid_from": self.date(where, record, "valid_from"),
                "valid_to": self.date(where, record, "valid_to"),
                "description": self.text(where, record, "description", Schedule, "description"),
            }
            opens = self.time_of_day(where, record, "opens_at")
            closes = self.time_of_day(where, record, "closes_at")
            if record.get("freq") == "WEEKLY" and record.get("byday"):
                days = [d.strip() for d in str(record["byday"]).split(",") if d.strip()]
                if (
                    not opens
                    or not closes
                    or opens >= closes
                    or not all(d in Weekday.values for d in days)
                ):
                    self.warn(
                        where,
                        record,
                        "byday",
                        record["byday"],
                        _("weekly hours need weekdays and opening before closing time; skipped"),
                    )
                    self.report.skipped["schedule"] += 1
                    continue
                for index, day in enumerate(days):
                    pk = base if index == 0 else uuid.uuid5(base, day)
                    rows[pk] = {
                        **common,
                        "kind": Schedule.Kind.REGULAR,
                        "weekday": day,
                        "opens_at": opens,
                        "closes_at": closes,
                        "starts_at": None,
                        "ends_at": None,
                    }
                    places[pk] = where
                continue
            start_day = self.date(where, record, "dtstart")
            if record.get("freq") or start_day is None:
                self.warn(
                    where,
                    record,
                    "freq",
                    record.get("freq", ""),
                    _("only weekly hours and dated events can be kept; skipped"),
                )
                self.report.skipped["schedule"] += 1
                continue
            end_day = self.date(where, record, "until") or start_day
            starts = timezone.make_aware(dt.datetime.combine(start_day, opens or dt.time(0)))
            ends = timezone.make_aware(dt.datetime.combine(end_day, closes)) if closes else None
            if ends is not None and ends < starts:
                ends = None
            rows[base] = {
                **common,
                "kind": Schedule.Kind.EVENT,
                "weekday": "",
                "opens_at": None,
                "closes_at": None,
                "starts_at": starts,
                "ends_at": ends,
            }
            places[base] = where
        self.seen["schedule"].update(rows)
        self.sync(Schedule, "schedule", rows, ["service__kommune_id"], places)

    def import_cost_option(self, records: list[Record]) -> None:
        rows, places = {}, {}
        for where, record in records:
            pk = self.uid(record["id"], "cost_option")
            if not self.first_time("cost_option", pk):
                continue
            service = self.owner_service(where, record, "cost_option")
            if service is None:
                continue
            option = str(record.get("option") or "").strip()
            amount = record.get("amount")
            try:
                amount = None if amount is None else Decimal(str(amount)).quantize(Decimal("0.01"))
            except InvalidOperation:
                amount = None
            if amount is not None and amount < 0:
                self.warn(where, record, "amount", amount, _("negative amount, left out"))
                amount = None
            kind = COSTS.get(option)
            if kind is None:
                lowered = option.lower()
                if any(word in lowered for word in BUT_WORDS):
                    kind = CostOption.Kind.BUT
                elif amount == 0 or any(word in lowered for word in FREE_WORDS):
                    kind = CostOption.Kind.FREE
                else:
                    kind = CostOption.Kind.FEE
            if kind == CostOption.Kind.FREE and amount:
                kind = CostOption.Kind.FEE
            description = self.text(
                where, record, "amount_description", CostOption, "amount_description"
            )
            if option and option not in COSTS and not description:
                description = option[:300]
            rows[pk] = {
                "service_id": service,
                "kind": kind,
                "amount": amount,
                "amount_description": description,
                "valid_from": self.date(where, record, "valid_from"),
                "valid_to": self.date(where, record, "valid_to"),
            }
            places[pk] = where
        self.sync(CostOption, "cost_option", rows, ["service__kommune_id"], places)

    def import_language(self, records: list[Record]) -> None:
        wanted: dict[tuple[uuid.UUID, str], str] = {}
        for where, record in records:
            if not record.get("service_id") and not record.get("service_at_location_id"):
                continue  # languages of locations and phones: not kept here
            service = self.owner_service(where, record, "language")
            if service is None:
                continue
            code = str(record.get("code") or "").strip().lower()
            if not is_known_language(code):
                self.warn(where, record, "code", code, _("unknown language code; left out"))
                continue
            wanted[(service, code)] = self.text(where, record, "note", ServiceLanguage, "note")
        existing = {
            (s, c): (pk, note)
            for pk, s, c, note in ServiceLanguage.objects.filter(
                service_id__in={s for s, _c in wanted}
            ).values_list("pk", "service_id", "code", "note")
        }
        create, update = [], []
        for (service, code), note in wanted.items():
            self.seen["language"].add((service, code))
            old = existing.get((service, code))
            if old is None:
                create.append((service, code, note))
            elif old[1] != note:
                update.append(ServiceLanguage(pk=old[0], service_id=service, code=code, note=note))
        insert_tuples(
            ServiceLanguage, ["service_id", "code", "note"], create, ignore_conflicts=True
        )
        ServiceLanguage.objects.bulk_update(update, ["note"], batch_size=BATCH)
        self.report.created["language"] += len(create)
        self.report.updated["language"] += len(update)

    def import_contact(self, records: list[Record]) -> None:
        rows, places = {}, {}
        for where, record in records:
            pk = self.uid(record["id"], "contact")
            if not self.first_time("contact", pk):
                continue
            organization = self.uid(record.get("organization_id"), "organization")
            service = None
            if record.get("service_id") or record.get("service_at_location_id"):
                service = self.owner_service(where, record, "contact")
                if service is None:
                    continue
            elif organization not in self.known_organizations:
                self.report.skipped["contact"] += 1
                continue  # contacts of locations only: not kept here
            if record.get("name"):
                self.warn(
                    where,
                    record,
                    "name",
                    record["name"],
                    _("a person's name is not taken over; the role contact is kept"),
                )
            row = {
                "organization_id": organization if service is None else None,
                "service_id": service,
                "name": "",
                "title": self.text(where, record, "title", Contact, "title"),
                "department": self.text(where, record, "department", Contact, "department"),
                "email": self.email(where, record, "email"),
            }
            if not (row["title"] or row["department"] or row["email"]):
                self.report.skipped["contact"] += 1
                continue
            rows[pk] = row
            places[pk] = where
        self.known_contacts.update(rows)
        self.sync(
            Contact,
            "contact",
            rows,
            ["organization__kommune_id", "service__kommune_id"],
            places,
        )

    def import_phone(self, records: list[Record]) -> None:
        rows, places = {}, {}
        for where, record in records:
            pk = self.uid(record["id"], "phone")
            if not self.first_time("phone", pk):
                continue
            owner = {
                "organization_id": self.uid(record.get("organization_id"), "organization"),
                "service_id": self.uid(record.get("service_id"), "service"),
                "location_id": self.uid(record.get("location_id"), "location"),
                "contact_id": self.uid(record.get("contact_id"), "contact"),
            }
            if owner["organization_id"] not in self.known_organizations:
                owner["organization_id"] = None
            if owner["service_id"] not in self.imported_services:
                owner["service_id"] = None
            if owner["location_id"] not in self.known_locations:
                owner["location_id"] = None
            if owner["contact_id"] not in self.known_contacts:
                owner["contact_id"] = None
            if not any(owner.values()):
                self.report.skipped["phone"] += 1
                continue
            extension = record.get("extension")
            kind = str(record.get("type") or "voice").strip().lower()
            rows[pk] = {
                **owner,
                "number": self.text(where, record, "number", Phone, "number"),
                "extension": "" if extension is None else str(extension)[:20],
                "kind": kind if kind in PHONE_KINDS else Phone.Kind.VOICE,
                "description": self.text(where, record, "description", Phone, "description"),
            }
            places[pk] = where
        self.sync(
            Phone,
            "phone",
            rows,
            [
                "organization__kommune_id",
                "service__kommune_id",
                "location__kommune_id",
            ],
            places,
        )

    def import_attribute(self, records: list[Record]) -> None:
        wanted = set()
        for where, record in records:
            if record.get("link_entity", "service") != "service":
                continue  # classifications of other objects: not kept here
            service = self.uid(record.get("link_id"), "service")
            if service in self.skipped_services or service not in self.imported_services:
                continue
            term = self.terms().get(str(self.uid(record.get("taxonomy_term_id"), "taxonomy_term")))
            if term is None:
                self.warn(
                    where,
                    record,
                    "taxonomy_term_id",
                    record.get("taxonomy_term_id", ""),
                    _("no such taxonomy term in the package; the classification is left out"),
                )
                continue
            wanted.add((service, term))
        through = Service.terms.through
        existing = set(
            through.objects.filter(service_id__in={s for s, _t in wanted}).values_list(
                "service_id", "taxonomyterm_id"
            )
        )
        self.seen["attribute"].update(wanted)
        create = list(wanted - existing)
        insert_tuples(through, ["service_id", "taxonomyterm_id"], create)
        self.report.created["attribute"] += len(create)
        self.terms_changed.update(service_id for service_id, _term in create)

    # reading ------------------------------------------------------------------------------

    def process(self, tables: dict[str, list[Record]]) -> None:
        """Check and write one chunk of flat records, parents first."""
        checked: dict[str, list[Record]] = {}
        for table, records in tables.items():
            kept = []
            for where, record in records:
                clean = check(
                    table,
                    where,
                    record,
                    warn_unknown=self.warn_unknown,
                    warn_missing=self.warn_missing,
                    error=lambda w, key, value, reason, r=record: self.error(
                        w, r, key, value, reason
                    ),
                )
                if clean is not None:
                    kept.append((where, clean))
            checked[table] = kept
        for _where, record in checked.get("address", []):
            if (
                record.get("address_type", "physical") == "physical"
                or str(record.get("location_id")) not in self.addresses
            ):
                self.addresses[str(record.get("location_id"))] = record
        for _where, record in checked.get("accessibility", []):
            self.accessibility.setdefault(str(record.get("location_id")), record)
        for table in ORDER:
            if checked.get(table):
                getattr(self, f"import_{table}")(checked[table])

    def from_json(self, package: Package, files: list[tuple[str, str]]) -> None:
        for name, kind in files:
            for chunk in chunks(package.json_objects(name)):
                tables: dict[str, list[Record]] = {}
                for where, item in chunk:
                    flatten(kind, where, item, tables)
                self.process(tables)

    def from_csv(self, package: Package, files: dict[str, str]) -> None:
        for table in ["address", "accessibility", *ORDER]:
            if table not in files:
                continue
            for chunk in chunks(package.csv_rows(files[table])):
                typed = []
                for where, row in chunk:
                    typed.append(
                        (
                            where,
                            typed_csv_record(
                                table,
                                row,
                                lambda key, value, reason, w=where, r=row: self.error(
                                    w, r, key, value, reason
                                ),
                            ),
                        )
                    )
                self.process({table: typed})

    # finishing ----------------------------------------------------------------------------

    def delete_stale(self) -> None:
        """Remove details of imported records that the package no longer lists."""
        services = sorted(self.imported_services)
        for start in range(0, len(services), BATCH):
            chunk = services[start : start + BATCH]
            for model, table, extra in [
                (ServiceAtLocation, "service_at_location", {}),
                (Schedule, "schedule", {}),
                (CostOption, "cost_option", {}),
                (Contact, "contact", {"name": ""}),
                (Phone, "phone", {}),
            ]:
                self._delete(model, table, model.objects.filter(service_id__in=chunk, **extra))
            stale = [
                pk
                for pk, service, code in ServiceLanguage.objects.filter(
                    service_id__in=chunk
                ).values_list("pk", "service_id", "code")
                if (service, code) not in self.seen["language"]
            ]
            self._delete_pks(ServiceLanguage, "language", stale)
            through = Service.terms.through
            stale_links = [
                (pk, service)
                for pk, service, term in through.objects.filter(service_id__in=chunk).values_list(
                    "pk", "service_id", "taxonomyterm_id"
                )
                if (service, term) not in self.seen["attribute"]
            ]
            self._delete_pks(through, "attribute", [pk for pk, _service in stale_links])
            self.terms_changed.update(service for _pk, service in stale_links)
        organizations = sorted(self.known_organizations)
        for start in range(0, len(organizations), BATCH):
            chunk = organizations[start : start + BATCH]
            self._delete(
                Contact,
                "contact",
                Contact.objects.filter(organization_id__in=chunk, service__isnull=True, name=""),
            )
            self._delete(
                Phone,
                "phone",
                Phone.objects.filter(organization_id__in=chunk, service__isnull=True),
            )
        locations = sorted(self.known_locations)
        for start in range(0, len(locations), BATCH):
            chunk = locations[start : start + BATCH]
            self._delete(
                Phone, "phone", Phone.objects.filter(location_id__in=chunk, service__isnull=True)
            )

    def _delete(self, model: type[models.Model], table: str, queryset) -> None:
        seen = self.seen[table]
        self._delete_pks(
            model, table, [pk for pk in queryset.values_list("pk", flat=True) if pk not in seen]
        )

    def _delete_pks(self, model: type[models.Model], table: str, pks: list) -> None:
        for start in range(0, len(pks), BATCH):
            model.objects.filter(pk__in=pks[start : start + BATCH]).delete()
        self.report.deleted[table] += len(pks)

    def record_versions(self, acting_user: AbstractBaseUser | None) -> None:
        """A version of each record created or changed, as it stands at the end."""
        terms_only = sorted(self.terms_changed - self.written[Service], key=str)
        for start in range(0, len(terms_only), BATCH):
            Service.objects.filter(pk__in=terms_only[start : start + BATCH]).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
        self.written[Service].update(terms_only)
        for model, ids in self.written.items():
            ordered = sorted(ids, key=str)
            for start in range(0, len(ordered), BATCH):
                record_versions(
                    objects=model.objects.filter(pk__in=ordered[start : start + BATCH]),
                    acting_user=acting_user,
                    reason="import",
                )

    def warn_missing_locations(self) -> None:
        with_location = {service for service, _location in self.sal_pairs}
        for pk in sorted(self.imported_services - with_location, key=str):
            self.report.warnings.append(
                _message(
                    self.service_places[pk],
                    pk,
                    "service_at_locations",
                    "",
                    _("the offer has no location; imported without one"),
                )
            )


class _Refused(Exception):
    """Rolls the transaction back when the package had errors."""


def import_package(
    *,
    kommune: Kommune,
    path: Path | str,
    form: str = "auto",
    dry_run: bool = False,
    acting_user: AbstractBaseUser | None = None,
) -> ImportReport:
    """Import the HSDS package at `path` (folder or .zip) into `kommune`, all or nothing.

    `form`: "json", "csv" or "auto" (JSON if the package has JSON files, else CSV: our own
    export has both). Raises ImportFailed with the report if anything was an error; with
    `dry_run` everything is checked and counted, then rolled back. The history names
    `acting_user` (None for a command) with each version the import records.
    """
    started = time.perf_counter()
    report = ImportReport()
    try:
        package = Package(path)
        json_files, csv_files = package.json_files(), package.csv_files()
        if form == "auto":
            form = "json" if json_files else "csv"
        if not (json_files if form == "json" else csv_files):
            raise PackageError(
                _("%(file)s holds no HSDS files of the %(form)s form.")
                % {"file": Path(path).name, "form": form}
            )
        report.form = form
        with fewer_gc_passes(), transaction.atomic(), indexing_deferred():
            run = _Import(kommune, report, source=Path(path).name)
            if form == "json":
                run.from_json(package, json_files)
            else:
                run.from_csv(package, csv_files)
            run.delete_stale()
            run.warn_missing_locations()
            if report.errors:
                raise _Refused
            run.record_versions(acting_user)
            if report.changed and not dry_run:
                reindex_kommune(kommune)
            if dry_run:
                transaction.set_rollback(True)
    except PackageError as exc:
        report.errors.append(str(exc))
        raise ImportFailed(report) from exc
    except _Refused:
        raise ImportFailed(report) from None
    report.seconds = time.perf_counter() - started
    return report
