"""The HSDS 3.0 API of one Kommune (openapi.json in ./schema): public JSON, no cookies.

Views parse the request and page the ids from queries.py; the objects come from serialize.py,
as in the data package (plus `last_modified`, which the package leaves out).
"""

from __future__ import annotations

import uuid

from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import ServiceAtLocation
from lueckenlos.interop.hsds import queries, serialize
from lueckenlos.interop.hsds.schemas import HSDS_VERSION, openapi

PROFILE = "https://docs.openreferral.org/en/latest/hsds/"


def _json(data: dict | list, status: int = 200) -> JsonResponse:
    response = JsonResponse(
        data, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"  # public data, read by other directories
    return response


def hsds_view(view):
    """Resolve the Kommune (404 if unknown); a bad parameter answers 400 with the reason."""

    @require_safe
    def wrapped(request: HttpRequest, kommune_slug: str, **kwargs) -> JsonResponse:
        kommune = Kommune.objects.filter(slug=kommune_slug).first()
        if kommune is None:
            return _json({"detail": _("No such Kommune.")}, status=404)
        try:
            return view(request, kommune, **kwargs)
        except queries.BadParameter as exc:
            return _json({"detail": str(exc)}, status=400)
        except Http404:
            return _json({"detail": _("Not found.")}, status=404)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise Http404 from exc


@hsds_view
def root(request: HttpRequest, kommune: Kommune) -> JsonResponse:
    return _json(
        {
            "version": HSDS_VERSION,
            "profile": PROFILE,
            "openapi_url": request.build_absolute_uri(
                reverse("hsds:openapi", kwargs={"kommune_slug": kommune.slug})
            ),
        }
    )


@hsds_view
def openapi_document(request: HttpRequest, kommune: Kommune) -> JsonResponse:
    return _json(openapi())


@hsds_view
def services(request: HttpRequest, kommune: Kommune) -> JsonResponse:
    vocabularies = serialize.Vocabularies()
    page = queries.page_of(queries.service_ids(kommune, request.GET, vocabularies), request.GET)
    if queries.flag(request.GET, "full"):
        contents = serialize.full_services(page.ids, vocabularies, with_modified=True)
    else:
        contents = serialize.service_tables(page.ids, vocabularies, with_modified=True)["service"]
    if queries.flag(request.GET, "minimal"):
        contents = [{"id": s["id"], "last_modified": s["last_modified"]} for s in contents]
    return _json(page.envelope(contents))


@hsds_view
def service(request: HttpRequest, kommune: Kommune, id: str) -> JsonResponse:
    pk = _id(id)
    if not queries.public_services(kommune).filter(pk=pk).exists():
        raise Http404
    (found,) = serialize.full_services([pk], serialize.Vocabularies(), with_modified=True)
    return _json(found)


def _organizations(ids: list, vocabularies: serialize.Vocabularies, full: bool) -> list[dict]:
    tables = serialize.organization_tables(ids)
    organizations = serialize.nest_organizations(tables) if full else tables["organization"]
    if full:
        offers = queries.public_services_by_organization(ids)
        for organization in organizations:
            organization["services"] = [{"id": sid} for sid in offers.get(organization["id"], [])]
    return organizations


@hsds_view
def organizations(request: HttpRequest, kommune: Kommune) -> JsonResponse:
    page = queries.page_of(queries.organization_ids(kommune, request.GET), request.GET)
    full = queries.flag(request.GET, "full")
    return _json(page.envelope(_organizations(page.ids, serialize.Vocabularies(), full)))


@hsds_view
def organization(request: HttpRequest, kommune: Kommune, id: str) -> JsonResponse:
    pk = _id(id)
    if not queries.public_organizations(kommune).filter(pk=pk).exists():
        raise Http404
    (found,) = _organizations([pk], serialize.Vocabularies(), full=True)
    return _json(found)


def _service_at_locations(
    ids: list, vocabularies: serialize.Vocabularies, *, full: bool
) -> list[dict]:
    rows = list(
        ServiceAtLocation.objects.filter(pk__in=ids).values(
            "id", "service_id", "location_id", "description"
        )
    )
    locations = serialize.nest_locations(
        serialize.location_tables(sorted({r["location_id"] for r in rows}, key=str))
    )
    offers = {}
    if full:
        service_ids = sorted({r["service_id"] for r in rows}, key=str)
        offers = {s["id"]: s for s in serialize.full_services(service_ids, vocabularies)}
    order = {pk: index for index, pk in enumerate(ids)}
    result = []
    for row in sorted(rows, key=lambda r: order[r["id"]]):
        record = serialize.compact(
            {
                "id": str(row["id"]),
                "service_id": str(row["service_id"]),
                "location_id": str(row["location_id"]),
                "description": row["description"],
                "location": locations.get(str(row["location_id"])),
            }
        )
        if full:
            record["service"] = offers[str(row["service_id"])]
        result.append(record)
    return result


@hsds_view
def service_at_locations(request: HttpRequest, kommune: Kommune) -> JsonResponse:
    vocabularies = serialize.Vocabularies()
    ids = queries.service_at_location_ids(kommune, request.GET, vocabularies)
    page = queries.page_of(ids, request.GET)
    full = queries.flag(request.GET, "full")
    return _json(page.envelope(_service_at_locations(page.ids, vocabularies, full=full)))


@hsds_view
def service_at_location(request: HttpRequest, kommune: Kommune, id: str) -> JsonResponse:
    found = get_object_or_404(
        ServiceAtLocation, pk=_id(id), service__in=queries.public_services(kommune)
    )
    (record,) = _service_at_locations([found.pk], serialize.Vocabularies(), full=True)
    return _json(record)


@hsds_view
def taxonomies(request: HttpRequest, kommune: Kommune) -> JsonResponse:
    records = queries.taxonomy_records(request.GET, serialize.Vocabularies())
    page = queries.page_of(records, request.GET)
    return _json(page.envelope(page.ids))


@hsds_view
def taxonomy(request: HttpRequest, kommune: Kommune, id: str) -> JsonResponse:
    for record in serialize.Vocabularies().sorted_taxonomies():
        if record["id"] == str(_id(id)):
            return _json(record)
    raise Http404


@hsds_view
def taxonomy_terms(request: HttpRequest, kommune: Kommune) -> JsonResponse:
    records = queries.taxonomy_term_records(request.GET, serialize.Vocabularies())
    page = queries.page_of(records, request.GET)
    return _json(page.envelope(page.ids))


@hsds_view
def taxonomy_term(request: HttpRequest, kommune: Kommune, id: str) -> JsonResponse:
    vocabularies = serialize.Vocabularies()
    pk = vocabularies.by_hsds_id.get(str(_id(id)))
    if pk is None:
        raise Http404
    term = dict(vocabularies.terms[pk])
    taxonomy = next(t for t in vocabularies.taxonomies.values() if t["id"] == term["taxonomy_id"])
    term["taxonomy_detail"] = taxonomy
    return _json(term)
