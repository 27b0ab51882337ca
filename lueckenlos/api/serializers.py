"""How the project's own model looks in the REST API, and how writes arrive.

Reads are the model's fields; writes are checked here for form (types, lengths, choices)
and then handed to the catalogue's service functions, which check the rules.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lueckenlos.areas.models import Area, Kommune
from lueckenlos.catalogue.models import (
    CostOption,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
)


class KommuneSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = Kommune
        fields = ["slug", "name", "kind", "parent", "official_code", "youth_office"]


class AreaSerializer(serializers.ModelSerializer):
    kommune = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    level = serializers.CharField(source="level.name", read_only=True)
    depth = serializers.IntegerField(source="level.depth", read_only=True)
    bbox = serializers.SerializerMethodField(
        help_text="West, south, east, north in WGS84; null without a boundary."
    )

    class Meta:
        model = Area
        fields = [
            "id",
            "kommune",
            "level",
            "depth",
            "code",
            "name",
            "parent",
            "path",
            "valid_from",
            "valid_to",
            "bbox",
        ]

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "number"},
            "minItems": 4,
            "maxItems": 4,
            "nullable": True,
        }
    )
    def get_bbox(self, area: Area) -> list[float] | None:
        if area.min_lon is None:
            return None
        return [area.min_lon, area.min_lat, area.max_lon, area.max_lat]


class AreaDetailSerializer(AreaSerializer):
    """One area with its boundary (a list would be megabytes of polygons)."""

    boundary = serializers.JSONField(
        read_only=True, help_text="GeoJSON geometry or feature in WGS84; null if unknown."
    )

    class Meta(AreaSerializer.Meta):
        fields = [*AreaSerializer.Meta.fields, "boundary"]


class TaxonomyTermSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = TaxonomyTerm
        fields = ["id", "code", "name", "description", "parent", "min_age_months", "max_age_months"]


class TaxonomySerializer(serializers.ModelSerializer):
    terms = TaxonomyTermSerializer(many=True, read_only=True)

    class Meta:
        model = Taxonomy
        fields = ["code", "name", "description", "uri", "version", "terms"]


def version_field() -> serializers.IntegerField:
    """The record's version: read it, and send it back with a change (or as If-Match)."""
    return serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=(
            "Counts the saved changes. Send the version you read with a change (here or as "
            "the If-Match header): if someone saved the record since, the change is refused "
            "with 409. Without it the change goes through."
        ),
    )


class OrganizationSerializer(serializers.ModelSerializer):
    kommune = serializers.SlugRelatedField(slug_field="slug", queryset=Kommune.objects.all())
    version = version_field()

    class Meta:
        model = Organization
        fields = [
            "id",
            "kommune",
            "name",
            "alternate_name",
            "description",
            "email",
            "website",
            "provider_type",
            "external_id",
            "version",
        ]


class LocationSerializer(serializers.ModelSerializer):
    kommune = serializers.SlugRelatedField(slug_field="slug", queryset=Kommune.objects.all())
    latitude = serializers.FloatField(required=False, allow_null=True, min_value=-90, max_value=90)
    longitude = serializers.FloatField(
        required=False, allow_null=True, min_value=-180, max_value=180
    )
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
    )
    version = version_field()

    class Meta:
        model = Location
        fields = [
            "id",
            "kommune",
            "organization",
            "name",
            "description",
            "address_1",
            "postal_code",
            "city",
            "latitude",
            "longitude",
            "area",
            "wheelchair",
            "accessibility_description",
            "external_id",
            "version",
        ]
        read_only_fields = ["area"]


class ServiceLanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceLanguage
        fields = ["code", "note"]


class CostOptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CostOption
        fields = ["kind", "amount", "amount_description", "valid_from", "valid_to"]
        extra_kwargs = {"amount": {"min_value": 0}}


class ScheduleSerializer(serializers.ModelSerializer):
    location = serializers.PrimaryKeyRelatedField(
        queryset=Location.objects.all(),
        pk_field=serializers.UUIDField(),
        required=False,
        allow_null=True,
    )

    class Meta:
        model = Schedule
        fields = [
            "kind",
            "weekday",
            "opens_at",
            "closes_at",
            "valid_from",
            "valid_to",
            "starts_at",
            "ends_at",
            "description",
            "location",
        ]


class TermCodesField(serializers.ListField):
    """Terms as "vocabulary:code" ("life_phase:infant"), as the portal's filters name them."""

    child = serializers.CharField(max_length=140)

    def to_representation(self, terms: Any) -> list[str]:
        return [f"{term.taxonomy.code}:{term.code}" for term in terms.all()]

    def to_internal_value(self, data: Any) -> list[TaxonomyTerm]:
        codes = list(dict.fromkeys(super().to_internal_value(data)))
        wanted = [code.split(":", 1) for code in codes if ":" in code]
        found = {
            f"{term.taxonomy.code}:{term.code}": term
            for term in TaxonomyTerm.objects.select_related("taxonomy").filter(
                code__in=[code for _taxonomy, code in wanted]
            )
        }
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise serializers.ValidationError(
                _("Unknown terms: %(codes)s. Terms are written vocabulary:code.")
                % {"codes": ", ".join(unknown)}
            )
        return [found[code] for code in codes]


class OfferSerializer(serializers.ModelSerializer):
    """An offer with its classification, locations, languages, costs and schedules.

    On writing, a list given replaces the offer's present one; a list left out stays.
    """

    kommune = serializers.SlugRelatedField(slug_field="slug", queryset=Kommune.objects.all())
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(), pk_field=serializers.UUIDField()
    )
    terms = TermCodesField(required=False)
    locations = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=Location.objects.all(), pk_field=serializers.UUIDField()
    )
    languages = ServiceLanguageSerializer(many=True, required=False)
    cost_options = CostOptionSerializer(many=True, required=False)
    schedules = ScheduleSerializer(many=True, required=False)
    version = version_field()

    class Meta:
        model = Service
        fields = [
            "id",
            "kommune",
            "organization",
            "name",
            "alternate_name",
            "description",
            "url",
            "email",
            "status",
            "min_age_months",
            "max_age_months",
            "eligibility_description",
            "application_process",
            "capacity",
            "terms",
            "locations",
            "languages",
            "cost_options",
            "schedules",
            "last_confirmed",
            "source",
            "external_id",
            "created_at",
            "updated_at",
            "version",
        ]
        read_only_fields = ["created_at", "updated_at"]
