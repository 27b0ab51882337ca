"""The REST API's endpoints: read what is public or your role allows, write what it allows.

Views parse and check the request, ask the named predicates of lueckenlos.accounts
whether the user may, and hand writes to the catalogue's service functions.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from lueckenlos.accounts.permissions import (
    can_change_status,
    can_coordinate,
    can_create_service,
    can_edit_for_organization,
    can_edit_location,
    can_edit_organization,
    can_edit_service,
    locations_visible_to,
    organizations_visible_to,
    services_visible_to,
)
from lueckenlos.api import filters, versions
from lueckenlos.api.permissions import ReadOpenWriteByRole
from lueckenlos.api.serializers import (
    AreaDetailSerializer,
    AreaSerializer,
    KommuneSerializer,
    LocationSerializer,
    OfferSerializer,
    OrganizationSerializer,
    TaxonomySerializer,
)
from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue import services
from lueckenlos.catalogue.models import (
    Location,
    Organization,
    Service,
    Taxonomy,
    TaxonomyTerm,
)
from lueckenlos.review.services import proposal_submit


def _write(function: Callable[..., Any], **kwargs: Any) -> Any:
    """Call a service function; its validation errors become the API's field errors."""
    try:
        return function(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(as_serializer_error(exc)) from exc


def _scope_to_kommune(queryset: QuerySet, request: Request) -> QuerySet:
    kommune = filters.kommune_from_query(request.query_params)
    if kommune is not None:
        queryset = queryset.filter(kommune_id__in=kommune.descendant_ids())
    return queryset


@extend_schema_view(
    list=extend_schema(summary="Kommunen", parameters=[]),
    retrieve=extend_schema(summary="One Kommune"),
)
class KommuneViewSet(viewsets.ReadOnlyModelViewSet):
    """The Kommunen of this installation; each is a tenant with its own offers."""

    serializer_class = KommuneSerializer
    lookup_field = "slug"
    lookup_value_regex = filters.SLUG.pattern
    queryset = (
        Kommune.objects.select_related("parent")
        .only("slug", "name", "kind", "official_code", "youth_office", "parent__slug")
        .order_by("name", "pk")
    )


@extend_schema_view(
    list=extend_schema(
        summary="Areas",
        parameters=[filters.KOMMUNE_PARAMETER],
        description="A Kommune's own hierarchy of areas, largest first; without boundaries.",
    ),
    retrieve=extend_schema(summary="One area with its boundary"),
)
class AreaViewSet(viewsets.ReadOnlyModelViewSet):
    """Areas (districts, neighbourhoods) of the Kommunen."""

    def get_queryset(self) -> QuerySet[Area]:
        areas = Area.objects.select_related("kommune", "level").defer("kommune__boundary")
        if self.action == "list":
            areas = _scope_to_kommune(areas.defer("boundary"), self.request)
        return areas.order_by("kommune__name", "path", "pk")

    def get_serializer_class(self):
        return AreaDetailSerializer if self.action == "retrieve" else AreaSerializer


@extend_schema_view(
    list=extend_schema(summary="Vocabularies with their terms"),
    retrieve=extend_schema(summary="One vocabulary with its terms"),
)
class TaxonomyViewSet(viewsets.ReadOnlyModelViewSet):
    """Vocabularies (life phases, fields of action, target groups ...) and their terms."""

    serializer_class = TaxonomySerializer
    lookup_field = "code"
    lookup_value_regex = filters.SLUG.pattern
    queryset = Taxonomy.objects.prefetch_related(
        Prefetch(
            "terms",
            queryset=TaxonomyTerm.objects.select_related("parent").order_by(
                "position", "name", "pk"
            ),
        )
    ).order_by("code")


class CatalogueViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Common ground of providers, locations and offers: reading scoped to what the user
    may see, writing through the service functions."""

    permission_classes = [ReadOpenWriteByRole]
    # The schema documents If-Match and 409 for the writes of these views.
    versioned = True

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, services.EditConflict):
            return self._conflict(exc)
        return super().handle_exception(exc)

    def _conflict(self, conflict: services.EditConflict) -> Response:
        """Both versions, so that the client can show them side by side and merge."""
        stored = self.get_queryset().filter(pk=conflict.stored.pk).first() or conflict.stored
        response = Response(
            {
                "detail": conflict.message,
                "stored": self.get_serializer(stored).data,
                "attempted": versions.sent_data(self.request),
            },
            status=status.HTTP_409_CONFLICT,
        )
        response["ETag"] = versions.etag(stored.version)
        return response

    def _expected_version(self, validated: dict[str, Any]) -> int | None:
        return versions.expected_version(self.request, validated.pop("version", None))

    def _check_unchanged_since(self, instance: Any) -> None:
        """For deleting: refuse if the client read an older version than the one stored."""
        expected = versions.expected_version(self.request, None)
        if expected is not None and expected != instance.version:
            raise services.EditConflict(stored=instance, attempted={}, expected_version=expected)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = versions.etag(response.data["version"])
        return response

    def _unchanged_kommune(self, instance: Any, validated: dict[str, Any]) -> None:
        kommune = validated.pop("kommune", None)
        if kommune is not None and kommune.pk != instance.kommune_id:
            raise ValidationError(
                {"kommune": [_("A record cannot move to another Kommune; create it there.")]}
            )

    def _respond(self, instance: Any, code: int = status.HTTP_200_OK) -> Response:
        """The record as a read returns it, with everything the write changed."""
        fresh = self.get_queryset().filter(pk=instance.pk).first() or instance
        response = Response(self.get_serializer(fresh).data, status=code)
        response["ETag"] = versions.etag(fresh.version)
        return response


@extend_schema_view(
    list=extend_schema(summary="Providers", parameters=[filters.KOMMUNE_PARAMETER]),
    retrieve=extend_schema(summary="One provider"),
    create=extend_schema(summary="Create a provider (coordinators)"),
    update=extend_schema(
        summary="Change a provider (coordinators)", description=versions.WRITE_NOTE
    ),
    partial_update=extend_schema(
        summary="Change some fields of a provider (coordinators)",
        description=versions.WRITE_NOTE,
    ),
    destroy=extend_schema(
        summary="Delete a provider without offers (coordinators)",
        description=versions.DELETE_NOTE,
    ),
)
class OrganizationViewSet(CatalogueViewSet):
    """Providers (Träger): those with active offers for everyone, the others as roles allow."""

    serializer_class = OrganizationSerializer

    def get_queryset(self) -> QuerySet[Organization]:
        organizations = organizations_visible_to(self.request.user).select_related("kommune")
        if self.action == "list":
            organizations = _scope_to_kommune(organizations, self.request)
        return organizations.defer("kommune__boundary").order_by("name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new record starts at version 1
        kommune = data.pop("kommune")
        if not can_coordinate(request.user, kommune):
            raise PermissionDenied(_("Only the Kommune's coordinators create providers."))
        organization = _write(
            services.organization_create, kommune=kommune, data=data, acting_user=request.user
        )
        return self._respond(organization, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organization = self.get_object()
        if not can_edit_organization(request.user, organization):
            raise PermissionDenied(_("Only the Kommune's coordinators change providers."))
        serializer = self.get_serializer(
            organization, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self._unchanged_kommune(organization, data)
        expected = self._expected_version(data)
        _write(
            services.organization_update,
            organization=organization,
            data=data,
            acting_user=request.user,
            expected_version=expected,
        )
        return self._respond(organization)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        organization = self.get_object()
        if not can_edit_organization(request.user, organization):
            raise PermissionDenied(_("Only the Kommune's coordinators delete providers."))
        self._check_unchanged_since(organization)
        _write(services.organization_delete, organization=organization, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="Locations",
        parameters=[filters.KOMMUNE_PARAMETER, filters.ORGANIZATION_PARAMETER],
    ),
    retrieve=extend_schema(summary="One location"),
    create=extend_schema(summary="Create a location"),
    update=extend_schema(summary="Change a location", description=versions.WRITE_NOTE),
    partial_update=extend_schema(
        summary="Change some fields of a location", description=versions.WRITE_NOTE
    ),
    destroy=extend_schema(
        summary="Delete a location",
        description=(
            "Its offers stay, delivered at their other locations. " + versions.DELETE_NOTE
        ),
    ),
)
class LocationViewSet(CatalogueViewSet):
    """Places where offers are delivered; the area is set from the coordinates."""

    serializer_class = LocationSerializer

    def get_queryset(self) -> QuerySet[Location]:
        locations = locations_visible_to(self.request.user).select_related("kommune")
        if self.action == "list":
            locations = _scope_to_kommune(locations, self.request)
            organization = filters.uuid_from_query(self.request.query_params, "organization")
            if organization is not None:
                locations = locations.filter(organization_id=organization)
        return locations.defer("kommune__boundary").order_by("name", "pk")

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new record starts at version 1
        kommune = data.pop("kommune")
        if not (
            can_coordinate(request.user, kommune)
            or can_edit_for_organization(request.user, data.get("organization"))
        ):
            raise PermissionDenied(
                _("Only the Kommune's coordinators and the provider's editors create locations.")
            )
        location, _warnings = _write(
            services.location_create, kommune=kommune, data=data, acting_user=request.user
        )
        return self._respond(location, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        location = self.get_object()
        if not can_edit_location(request.user, location):
            raise PermissionDenied(_("You may not change this location."))
        serializer = self.get_serializer(
            location, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self._unchanged_kommune(location, data)
        if "organization" in data and not (
            can_coordinate(request.user, location.kommune)
            or can_edit_for_organization(request.user, data["organization"])
        ):
            raise PermissionDenied(_("You may not give the location to this provider."))
        expected = self._expected_version(data)
        _write(
            services.location_update,
            location=location,
            data=data,
            acting_user=request.user,
            expected_version=expected,
        )
        return self._respond(location)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        location = self.get_object()
        if not can_edit_location(request.user, location):
            raise PermissionDenied(_("You may not delete this location."))
        self._check_unchanged_since(location)
        _write(services.location_delete, location=location, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="Offers, with the portal's search",
        description=(
            "Without search parameters: the offers you may see, by name, filtered by "
            "kommune, status and organization. With any of the portal's search parameters "
            "(q, alter, phase, …): the portal's search in the Kommune given by kommune "
            "(required then), over its active offers, in the portal's order."
        ),
        parameters=[
            filters.KOMMUNE_PARAMETER,
            filters.STATUS_PARAMETER,
            filters.ORGANIZATION_PARAMETER,
            *filters.SEARCH_PARAMETERS,
        ],
    ),
    retrieve=extend_schema(summary="One offer"),
    create=extend_schema(summary="Create an offer"),
    update=extend_schema(
        summary="Change an offer", description=versions.WRITE_NOTE + versions.REVIEW_NOTE
    ),
    partial_update=extend_schema(
        summary="Change some fields of an offer",
        description=versions.WRITE_NOTE + versions.REVIEW_NOTE,
    ),
    destroy=extend_schema(
        summary="Delete an offer (a published one: coordinators)",
        description=versions.DELETE_NOTE,
    ),
)
class OfferViewSet(CatalogueViewSet):
    """Offers (Angebote): active ones for everyone, the others as roles allow."""

    serializer_class = OfferSerializer

    def get_queryset(self) -> QuerySet[Service]:
        return (
            services_visible_to(self.request.user)
            .select_related("kommune", "organization__kommune")
            .defer("kommune__boundary", "organization__kommune__boundary")
            .prefetch_related(
                Prefetch("terms", queryset=TaxonomyTerm.objects.select_related("taxonomy")),
                Prefetch("locations", queryset=Location.objects.only("pk")),
                "languages",
                "cost_options",
                "schedules",
            )
            .order_by("name", "pk")
        )

    def _load(self, ids: list[uuid.UUID]) -> QuerySet[Service]:
        return self.get_queryset().filter(pk__in=ids)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        query = request.query_params
        kommune = filters.kommune_from_query(query)
        status_wanted = filters.status_from_query(query)
        organization = filters.uuid_from_query(query, "organization")
        if filters.wants_search(query):
            if kommune is None:
                raise ValidationError(
                    {"kommune": [_("The portal's search needs a Kommune: give its slug.")]}
                )
            if status_wanted not in ("", Service.Status.ACTIVE) or organization is not None:
                raise ValidationError(
                    {
                        "non_field_errors": [
                            _(
                                "The portal's search finds active offers and takes no "
                                "status or organization; leave them out."
                            )
                        ]
                    }
                )
            page = str(query.get(self.paginator.page_query_param, "1"))
            offers = filters.SearchResults(
                kommune,
                query,
                page_size=self.paginator.get_page_size(request),
                first_page=int(page) if page.isdigit() and len(page) < 9 else 1,
                load=self._load,
            )
        else:
            offers = self.get_queryset()
            if kommune is not None:
                offers = offers.filter(kommune_id__in=kommune.descendant_ids())
            if status_wanted:
                offers = offers.filter(status=status_wanted)
            if organization is not None:
                offers = offers.filter(organization_id=organization)
        page_of_offers = self.paginate_queryset(offers)
        return self.get_paginated_response(self.get_serializer(page_of_offers, many=True).data)

    def _check_status(self, service: Service, data: dict[str, Any]) -> None:
        wanted = data.get("status", service.status)
        if wanted != service.status and not can_change_status(self.request.user, service):
            raise PermissionDenied(_("Only the Kommune's coordinators publish or withdraw offers."))

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)  # a new record starts at version 1
        kommune, organization = data.pop("kommune"), data.pop("organization")
        if not can_create_service(request.user, organization):
            raise PermissionDenied(
                _("Only the Kommune's coordinators and the provider's editors create offers.")
            )
        self._check_status(Service(kommune=kommune, organization=organization), data)
        service = _write(
            services.service_create,
            kommune=kommune,
            organization=organization,
            data=data,
            acting_user=request.user,
        )
        return self._respond(service, status.HTTP_201_CREATED)

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        service = self.get_object()
        if not can_edit_service(request.user, service):
            raise PermissionDenied(_("You may not change this offer."))
        serializer = self.get_serializer(
            service, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        self._unchanged_kommune(service, data)
        self._check_status(service, data)
        if "organization" in data and not can_create_service(request.user, data["organization"]):
            raise PermissionDenied(_("You may not give the offer to this provider."))
        expected = self._expected_version(data)
        if self._needs_review(service):
            return self._propose(service, data, expected)
        _write(
            services.service_update,
            service=service,
            data=data,
            acting_user=request.user,
            expected_version=expected,
        )
        return self._respond(service)

    def _needs_review(self, service: Service) -> bool:
        """A provider editor's change of a published offer waits for the coordinator; the
        published version stays live meanwhile (as in the workspace)."""
        return service.status == Service.Status.ACTIVE and not can_coordinate(
            self.request.user, service.kommune
        )

    def _propose(self, service: Service, data: dict[str, Any], expected: int | None) -> Response:
        if expected is not None and expected != service.version:
            raise services.EditConflict(stored=service, attempted=data, expected_version=expected)
        proposal = _write(
            proposal_submit,
            kommune=service.kommune,
            organization=service.organization,
            service=service,
            data=data,
            base_version=service.version,
            submitted_by=self.request.user,
        )
        return Response(
            {
                "detail": _(
                    "Your change was sent to the coordinators for review; the published "
                    "version stays until they approve it."
                ),
                "proposal": proposal.pk,
                "status": proposal.status,
            },
            status=status.HTTP_202_ACCEPTED,
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        service = self.get_object()
        if not can_edit_service(request.user, service):
            raise PermissionDenied(_("You may not delete this offer."))
        if self._needs_review(service):
            raise PermissionDenied(
                _("A published offer is withdrawn by the Kommune's coordinators; ask them.")
            )
        self._check_unchanged_since(service)
        _write(services.service_delete, service=service, acting_user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
