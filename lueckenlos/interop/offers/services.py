"""The write of an offer import: all or nothing, in one transaction, in bulk.

`offers_import` builds the preview inside its transaction (so what it writes is what the
rows say against the offers as they are now) and refuses when rows are rejected, unless
the caller chose to skip them. It creates or updates providers, locations, offers, their
locations, terms, languages, costs and telephone numbers with bulk inserts, records the
run, a version of each provider, location and offer it created or changed (their history
starts with "imported"), and indexes the offers it touched once, at the end. A re-import of
the same file writes nothing but the record of the run.
"""

from __future__ import annotations

import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    ServiceLanguage,
)
from lueckenlos.catalogue.services import record_versions
from lueckenlos.interop.models import UPLOAD_LIFETIME, ImportMapping, ImportRun, PendingImport
from lueckenlos.interop.offers.fields import Mapping
from lueckenlos.interop.offers.preview import (
    CREATE,
    REJECTED,
    UNCHANGED,
    UPDATE,
    Preview,
    PreviewRow,
    build_preview,
    current_location,
    term_ids_for_write,
)
from lueckenlos.interop.offers.values import key
from lueckenlos.interop.tabular import Table
from lueckenlos.lib.bulk import fewer_gc_passes, insert, new_id
from lueckenlos.search.indexing import indexing_deferred

BATCH = 1000
# Test hook: after the first offers are written, say so on stderr and wait this many
# seconds, so that a test can kill the process inside the transaction.
PAUSE_VARIABLE = "LUECKENLOS_TEST_IMPORT_PAUSE_SECONDS"


class ImportRefused(Exception):
    """The import was refused and nothing written; `preview` says why, row by row."""

    def __init__(self, preview: Preview):
        self.preview = preview
        super().__init__(
            _("Nothing was imported: %(count)s rows are rejected. %(summary)s")
            % {"count": preview.count(REJECTED), "summary": preview.summary()}
        )


@dataclass
class ImportResult:
    preview: Preview
    run: ImportRun


@transaction.atomic
def offers_import(
    *,
    kommune: Kommune,
    table: Table,
    mapping: Mapping,
    acting_user: AbstractBaseUser | None = None,
    skip_rejected: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import the offers of `table` into `kommune`; raise ImportRefused if rows are rejected
    and `skip_rejected` is not set. With `dry_run` everything is rolled back at the end."""
    with fewer_gc_passes():
        return _import(
            kommune=kommune,
            table=table,
            mapping=mapping,
            acting_user=acting_user,
            skip_rejected=skip_rejected,
            dry_run=dry_run,
        )


def _import(
    *,
    kommune: Kommune,
    table: Table,
    mapping: Mapping,
    acting_user: AbstractBaseUser | None,
    skip_rejected: bool,
    dry_run: bool,
) -> ImportResult:
    preview = build_preview(table=table, kommune=kommune, mapping=mapping)
    if preview.count(REJECTED) and not skip_rejected:
        raise ImportRefused(preview)
    totals = preview.totals
    run = ImportRun(
        kommune=kommune,
        filename=table.filename[:255],
        sheet=(table.sheet or "")[:100],
        acting_user=acting_user,
        created=totals[CREATE],
        updated=totals[UPDATE],
        unchanged=totals[UNCHANGED],
        rejected=totals[REJECTED],
    )
    if totals[CREATE] or totals[UPDATE]:
        # The writes bypass the signals that keep the search index; the offers they touched
        # are indexed once, when the block ends (not the whole Kommune: an update of ten
        # offers re-indexes ten).
        writer = _Writer(preview, source=_source(table.filename))
        with indexing_deferred() as pending:
            pending.update(writer.write())
        _record_versions(writer.written, acting_user)
    if dry_run:
        transaction.set_rollback(True)
    else:
        run.save()
    return ImportResult(preview=preview, run=run)


def _record_versions(written: dict[type[Model], set], acting_user: AbstractBaseUser | None) -> None:
    """A version of each record the import created or changed, as it stands now."""
    for model, ids in written.items():
        for chunk in _chunks(sorted(ids, key=str), BATCH):
            record_versions(
                objects=model.objects.filter(pk__in=chunk), acting_user=acting_user, reason="import"
            )


def _source(filename: str) -> str:
    text = _("Import of %(file)s on %(date)s") % {
        "file": filename,
        "date": timezone.localdate().strftime("%d.%m.%Y"),
    }
    return text[:300]


class _Writer:
    """Turns the preview's create and update rows into bulk writes."""

    def __init__(self, preview: Preview, *, source: str):
        self.preview = preview
        self.kommune = preview.kommune
        self.source = source
        self.existing = preview.existing
        self.now = timezone.now()
        # What the history gets a version of: records created or changed, by model.
        self.written: dict[type[Model], set] = defaultdict(set)

    def write(self) -> set:
        """Write the rows; return the ids of the offers to index again."""
        rows = [r for r in self.preview.rows if r.action in (CREATE, UPDATE)]
        organizations = self._organizations(rows)
        services_new: list[dict] = []
        services_changed: list[Service] = []
        changed_fields: set[str] = set()
        for row in rows:
            data = row.data
            if row.action == CREATE:
                values = dict(data.service)
                values.setdefault("status", Service.Status.ACTIVE)
                values["source"] = self.source
                values["organization_id"] = organizations[
                    key(data.provider or data.service["name"])
                ]
                row.service_id = values["id"] = new_id()
                values["kommune_id"] = self.kommune.pk
                services_new.append(values)
                continue
            current = self.existing.services[row.service_id]
            service = Service(
                id=row.service_id,
                kommune=self.kommune,
                organization_id=current["organization_id"],
                **{k: v for k, v in current.items() if k not in ("id", "organization_id")},
            )
            for name, value in data.service.items():
                if current[name] != value:
                    setattr(service, name, value)
                    changed_fields.add(name)
            if data.provider is not None:
                organization = organizations[key(data.provider)]
                if organization != current["organization_id"]:
                    service.organization_id = organization
                    changed_fields.add("organization")
            services_changed.append(service)
        insert(Service, services_new)
        self._pause_for_tests()
        for service in services_changed:
            service.updated_at = self.now
            service.source = self.source
            # An editor who loaded the offer before the import must not overwrite it.
            service.version = F("version") + 1
        if services_changed:
            fields = [*sorted(changed_fields), "updated_at", "source", "version"]
            Service.objects.bulk_update(services_changed, fields, batch_size=BATCH)
        moved = self._locations(rows)
        self._terms(rows)
        self._parts(rows)
        self.written[Service].update(row.service_id for row in rows)
        return {row.service_id for row in rows} | moved

    def _organizations(self, rows: list[PreviewRow]) -> dict[str, Any]:
        """Provider id by folded name; providers not yet known are created."""
        by_key = dict(self.existing.organization_by_key)
        new: list[dict] = []
        for row in rows:
            name = row.data.provider
            if name is None and row.action == CREATE:
                # Without a provider column an offer is its own provider (a Kita, a club).
                name = row.data.service["name"]
            if name is None or key(name) in by_key:
                continue
            by_key[key(name)] = new_id()
            new.append({"id": by_key[key(name)], "kommune_id": self.kommune.pk, "name": name[:300]})
        insert(Organization, new)
        self.written[Organization].update(values["id"] for values in new)
        return by_key

    def _locations(self, rows: list[PreviewRow]) -> set:
        """Update locations in place, or find or create them by name and address, and link.

        Returns the other offers at locations changed in place: their index shows the place.
        """
        existing = self.existing
        location_by_key = dict(existing.location_by_key)
        new: dict[tuple, dict] = {}
        changed: dict[Any, Location] = {}
        changed_fields: set[str] = set()
        links: list[dict] = []
        unlink: list[tuple[Any, Any]] = []
        for row in rows:
            place = row.data.location
            if place is None:
                continue
            values = {**place.values, "area_id": place.area_id}
            now = current_location(
                row.service_id if row.action == UPDATE else None, place.key, existing
            )
            linked = existing.locations_of.get(row.service_id, []) if row.action == UPDATE else []
            target = None
            if now is not None and (
                existing.location_keys[now["id"]] == place.key
                or existing.services_at[now["id"]] == 1
            ):
                # The same place, or the offer's own place that moved: changed in place.
                target = now["id"]
                differing = {k: v for k, v in values.items() if now[k] != v}
                if differing:
                    location = changed.get(target) or Location(
                        kommune=self.kommune, **{k: v for k, v in now.items() if k != "id"}
                    )
                    location.pk = target
                    for name, value in differing.items():
                        setattr(location, name, value)
                    changed[target] = location
                    changed_fields.update(differing)
            elif place.key in location_by_key:
                target = location_by_key[place.key]
            elif place.key in new:
                target = new[place.key]["id"]
            else:
                target = new_id()
                new[place.key] = {**values, "id": target, "kommune_id": self.kommune.pk}
            if target not in linked:
                links.append({"id": new_id(), "service_id": row.service_id, "location_id": target})
                if now is not None and now["id"] in linked and now["id"] != target:
                    unlink.append((row.service_id, now["id"]))
        insert(Location, new.values())
        for location in changed.values():
            location.version = F("version") + 1
        if changed:
            Location.objects.bulk_update(
                changed.values(), [*sorted(changed_fields), "version"], batch_size=BATCH
            )
        self.written[Location].update(values["id"] for values in new.values())
        self.written[Location].update(changed)
        for service_id, location_id in unlink:
            ServiceAtLocation.objects.filter(
                service_id=service_id, location_id=location_id
            ).delete()
        insert(ServiceAtLocation, links)
        if not changed:
            return set()
        others: set = set()
        for chunk in _chunks(list(changed)):
            links_there = ServiceAtLocation.objects.filter(location_id__in=chunk)
            others.update(links_there.values_list("service_id", flat=True))
        return others

    def _terms(self, rows: list[PreviewRow]) -> None:
        through = Service.terms.through
        replaced: list = []
        new_rows: list = []
        covered = self.preview.covered_taxonomy_ids
        taxonomies = self.preview.term_taxonomies
        for row in rows:
            if row.data.term_ids is None:
                continue
            service_id = row.service_id if row.action == UPDATE else None
            wanted = term_ids_for_write(row.data, service_id, self.existing, covered, taxonomies)
            if service_id is not None:
                if wanted == self.existing.terms_of.get(service_id, set()):
                    continue
                replaced.append(service_id)
            new_rows.extend(
                {"service_id": row.service_id, "taxonomyterm_id": term_id} for term_id in wanted
            )
        for chunk in _chunks(replaced):
            through.objects.filter(service_id__in=chunk).delete()
        insert(through, new_rows)

    def _parts(self, rows: list[PreviewRow]) -> None:
        """Languages, costs and telephone numbers, replaced where they differ."""
        existing = self.existing
        replace: dict[type, list] = defaultdict(list)
        create: dict[type, list] = defaultdict(list)
        for row in rows:
            data = row.data
            updating = row.action == UPDATE
            if data.languages is not None and (
                not updating or data.languages != existing.languages_of.get(row.service_id, set())
            ):
                if updating:
                    replace[ServiceLanguage].append(row.service_id)
                create[ServiceLanguage].extend(
                    {"service_id": row.service_id, "code": code} for code in sorted(data.languages)
                )
            if data.costs is not None and (
                not updating or data.costs != existing.costs_of.get(row.service_id, set())
            ):
                if updating:
                    replace[CostOption].append(row.service_id)
                create[CostOption].extend(
                    {
                        "id": new_id(),
                        "service_id": row.service_id,
                        "kind": cost.kind,
                        "amount": cost.amount,
                        "amount_description": cost.description,
                    }
                    for cost in sorted(data.costs, key=lambda c: (c.kind, c.description))
                )
            if data.phones is not None and (
                not updating or data.phones != existing.phones_of.get(row.service_id, [])
            ):
                if updating:
                    replace[Phone].append(row.service_id)
                create[Phone].extend(
                    {"id": new_id(), "service_id": row.service_id, "number": number}
                    for number in data.phones
                )
        for model, service_ids in replace.items():
            for chunk in _chunks(service_ids):
                query = model.objects.filter(service_id__in=chunk)
                if model is Phone:
                    query = query.filter(location=None, contact=None, organization=None)
                query.delete()
        for model, objects in create.items():
            insert(model, objects)

    @staticmethod
    def _pause_for_tests() -> None:
        seconds = os.environ.get(PAUSE_VARIABLE)
        if seconds:
            sys.stderr.write("import paused inside its transaction\n")
            sys.stderr.flush()
            time.sleep(float(seconds))


def _chunks(items: list, size: int = 500):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def import_mapping_save(*, kommune: Kommune, name: str, mapping: Mapping) -> ImportMapping:
    """Save a mapping for the Kommune under `name`, replacing one of that name."""
    saved, _created = ImportMapping.objects.update_or_create(
        kommune=kommune,
        name=name,
        defaults={
            "columns": mapping.columns,
            "defaults": mapping.defaults,
            "values": mapping.values,
        },
    )
    return saved


@transaction.atomic
def pending_import_create(
    *,
    kommune: Kommune,
    filename: str,
    data: bytes,
    sheet: str,
    mapping: Mapping,
    acting_user: AbstractBaseUser,
) -> PendingImport:
    """Keep an uploaded file for the next steps; uploads older than a day go now."""
    PendingImport.objects.filter(created_at__lt=timezone.now() - UPLOAD_LIFETIME).delete()
    return PendingImport.objects.create(
        kommune=kommune,
        filename=filename[:255],
        data=data,
        sheet=sheet[:100],
        mapping=mapping.as_json(),
        created_by=acting_user,
    )


@transaction.atomic
def pending_import_set_mapping(*, pending: PendingImport, mapping: Mapping) -> PendingImport:
    pending.mapping = mapping.as_json()
    pending.save(update_fields=["mapping"])
    return pending


@transaction.atomic
def pending_import_delete(*, pending: PendingImport) -> None:
    pending.delete()
