"""Berlin's Kitas, youth sites and schools as providers, offers and locations.

Everything is built in memory and written with bulk_create, so that the 4,189 sites cost a
few dozen queries: one point-in-polygon index per Bezirk places them in their Planungsraum.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import shapely
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator

from lueckenlos.areas.services import area_index
from lueckenlos.catalogue.models import (
    Location,
    Organization,
    Phone,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from lueckenlos.demo.classification import KITA, SCHOOL_RULES, Rule, youth_site_rule
from lueckenlos.demo.kommunen import METRIC_EPSG, Bezirk
from lueckenlos.demo.sources import (
    GeoFeature,
    check_fields,
    is_digits,
    point_coordinates,
    read_geojson,
)
from lueckenlos.lib.geo import BOUNDARY_TOLERANCE_M, WGS84, transformer

KITA_FILE = "raw/kindertagesstaetten.geojson"
JFE_FILE = "raw/jugendfreizeiteinrichtungen.geojson"
SCHOOL_FILE = "raw/schulen.geojson"

# The data sets give a month: we count them confirmed on its first day, so never too late.
KITA_DATE = dt.date(2022, 12, 1)
JFE_DATE = dt.date(2022, 12, 1)
SCHOOL_DATE = dt.date(2023, 10, 1)
KITA_SOURCE = "Kindertagesstätten in Berlin, Stand Dezember 2022 (SenBJF, daten.berlin.de)"
JFE_SOURCE = "Jugendfreizeiteinrichtungen in Berlin, Stand Dezember 2022 (SenBJF, daten.berlin.de)"
SCHOOL_SOURCE = "Schulen in Berlin, Stand Oktober 2023 (SenBJF, Geoportal Berlin)"

# The properties each model field is read from (Organization.name from "provider"), so
# that a value the model refuses is reported with the property to fix.
KITA_COLUMNS = {
    "external_id": "e_nr",
    "name": "e_name",
    "provider": "t_name",
    "website": "t_web",
    "provider_type": "t_art",
    "url": "e_web",
    "address_1": "e_strasse",
    "postal_code": "e_plz",
    "capacity": "e_platz",
}
# The youth sites' data set comes from the same office and names its properties alike.
JFE_COLUMNS = KITA_COLUMNS
SCHOOL_COLUMNS = {
    "external_id": "bsn",
    "name": "name",
    "provider": "traeger",
    "provider_type": "traeger",
    "url": "internet",
    "email": "email",
    "address_1": "strasse",
    "postal_code": "plz",
}

# The providers' types as the portal shows them, from the data sets' `t_art`/`traeger`.
PROVIDER_TYPES = {
    "Eigenbetrieb": "öffentlicher Träger (Kita-Eigenbetrieb des Landes Berlin)",
    "EKT": "freier Träger (Eltern-Initiativ-Kindertagesstätte)",
    "Sonstiger freier Träger": "freier Träger",
    "Diakonisches Werk": "Wohlfahrtsverband (Diakonisches Werk)",
    "Deutscher Caritasverband": "Wohlfahrtsverband (Deutscher Caritasverband)",
    "Arbeiterwohlfahrt": "Wohlfahrtsverband (Arbeiterwohlfahrt)",
    "freier Träger": "freier Träger",
    "öffentlicher Träger": "öffentlicher Träger",
    "öffentlich": "öffentlicher Schulträger",
    "privat": "freier Träger (Schule in freier Trägerschaft)",
}
# Public schools in Berlin: the Bezirk is Schulträger of its general schools; vocational
# schools and the specialised "Andere Schulen" (sports schools) are run centrally by the
# Senate. Private schools are their own providers: the data names no other.
SENATE_SCHOOL_PROVIDER = "Senatsverwaltung für Bildung, Jugend und Familie (Schulträger)"
CENTRAL_SCHOOL_TYPES = {"Berufsschule", "Andere Schule"}
# Schools the data set lists with "kein Schulbetrieb" in their name teach nobody.
NOT_TEACHING = re.compile(r"kein\s+schulbetrieb", re.IGNORECASE)

_url = URLValidator(schemes=["http", "https"])
_email = EmailValidator()
# Characters that copy-and-paste leaves in the telephone fields: bidi marks, NBSP.
_INVISIBLE = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u200e\u200f"), None)


@dataclass
class Site:
    """One real site before it is written: its offer, provider and location."""

    feature: GeoFeature
    bezirk: Bezirk
    rule: Rule
    external_id: str
    name: str
    provider_name: str
    provider_type: str
    provider_website: str
    street: str
    postal_code: str
    lon: float
    lat: float
    description: str
    source: str
    confirmed: dt.date
    # Model field → the property it was read from, for error messages.
    columns: dict[str, str]
    capacity: int | None = None
    url: str = ""
    email: str = ""
    application_process: str = ""
    status: str = Service.Status.ACTIVE
    # (kind, number, the property it was read from)
    phones: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class Selection:
    """The Bezirke being loaded, and all Bezirke the hierarchy knows (code → name)."""

    bezirke: dict[str, Bezirk]
    names: dict[str, str]

    @property
    def codes_by_name(self) -> dict[str, str]:
        return {name: code for code, name in self.names.items()}


@dataclass
class OffersReport:
    services_by_rule: dict[str, int] = field(default_factory=dict)
    services_by_file: dict[str, int] = field(default_factory=dict)
    organizations: int = 0
    locations: int = 0
    phones: int = 0
    outside_areas: list[str] = field(default_factory=list)
    dropped_values: list[str] = field(default_factory=list)


def website(value: str, report: OffersReport, where: str) -> str:
    """A usable http(s) address, or "" (reported) when the published value is none."""
    published = value.strip()
    if not published:
        return ""
    # "www.example.de" is common; http:// works for every site (https ones redirect).
    value = published if "://" in published else f"http://{published}"
    try:
        _url(value)
    except ValidationError:
        report.dropped_values.append(f"{where}: website {published!r}")
        return ""
    return value


def email(value: str, report: OffersReport, where: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        _email(value)
    except ValidationError:
        report.dropped_values.append(f"{where}: e-mail {value!r}")
        return ""
    return value


def phone_numbers(value: str) -> list[str]:
    """The numbers in a published telephone field, Berlin's area code added where missing.

    Kitas publish many numbers without 030 ("281 64 73"): all are Berlin numbers.
    """
    value = value.translate(_INVISIBLE).replace("\xa0", " ")
    numbers = []
    for part in re.split(r",|;|\s/\s", value):
        number = " ".join(part.split())
        if not any(char.isdigit() for char in number):
            continue  # "tba", "nicht vorhanden"
        if number[0].isdigit() and number[0] != "0":
            number = f"030 {number}"
        numbers.append(number)
    return numbers


def _address(street: str, number: str, suffix: str = "") -> str:
    # A suffix "-17" continues a range ("16-17"); a letter belongs to the number ("20A").
    return " ".join(part for part in (street, f"{number}{suffix}") if part)


def _read_kitas(data_dir: Path, selection: Selection, report: OffersReport) -> list[Site]:
    epsg, features = read_geojson(data_dir, KITA_FILE)
    sites = []
    for feature in features:
        bezirk = _select(feature, "e_bez_nr", selection)
        if bezirk is None:
            continue
        nr = feature.required("e_nr")
        places = feature.text("e_platz")
        if places and not is_digits(places):
            raise feature.error("e_platz", f"{places!r} is not a number of places")
        approaches = [
            a.strip() for key in ("ang_1", "ang_2") for a in feature.text(key).split("/") if a
        ]
        description = "Kindertagesstätte"
        # 0 places is how the data set leaves the number out (4 Kitas): unknown, not none.
        capacity = int(places) if places and int(places) > 0 else None
        if capacity:
            description += f" mit {capacity} genehmigten Plätzen"
        description += "."
        if approaches:
            description += " Pädagogische Schwerpunkte: " + ", ".join(approaches) + "."
        where = f"{KITA_FILE} features[{feature.index}]"
        lon, lat = point_coordinates(feature, epsg)
        sites.append(
            Site(
                feature=feature,
                bezirk=bezirk,
                rule=KITA,
                external_id=f"kita:{nr}",
                name=feature.required("e_name"),
                provider_name=feature.required("t_name"),
                provider_type=_provider_type(feature.text("t_art")),
                provider_website=website(feature.text("t_web"), report, where),
                street=_address(
                    feature.text("e_strasse"), feature.text("e_hnr"), feature.text("e_zusatz")
                ),
                postal_code=feature.text("e_plz"),
                lon=lon,
                lat=lat,
                description=description,
                source=KITA_SOURCE,
                confirmed=KITA_DATE,
                columns=KITA_COLUMNS,
                capacity=capacity,
                url=website(feature.text("e_web"), report, where),
                application_process=(
                    f"Kita-Gutschein beim Jugendamt {bezirk.name} beantragen und das Kind "
                    "direkt bei der Kita anmelden."
                ),
                phones=[
                    (Phone.Kind.VOICE, n, "e_tel") for n in phone_numbers(feature.text("e_tel"))
                ],
            )
        )
    return sites


def _read_youth_sites(data_dir: Path, selection: Selection, report: OffersReport) -> list[Site]:
    epsg, features = read_geojson(data_dir, JFE_FILE)
    sites = []
    for feature in features:
        bezirk = _select(feature, "e_bez_nr", selection)
        if bezirk is None:
            continue
        kind = feature.required("e_art")
        rule = youth_site_rule(
            kind,
            for_children=feature.text("zielgr1") == "ja",
            for_youth=feature.text("zielgr2") == "ja",
        )
        if rule is None:
            raise feature.error("e_art", f"no classification rule for {kind!r}")
        places = feature.text("e_platz")
        if places and not is_digits(places):
            raise feature.error("e_platz", f"{places!r} is not a number of places")
        where = f"{JFE_FILE} features[{feature.index}]"
        lon, lat = point_coordinates(feature, epsg)
        sites.append(
            Site(
                feature=feature,
                bezirk=bezirk,
                rule=rule,
                external_id=f"jfe:{feature.required('e_nr')}",
                name=feature.required("e_name"),
                provider_name=feature.required("t_name"),
                provider_type=_provider_type(feature.text("t_art")),
                provider_website=website(feature.text("t_web"), report, where),
                street=_address(
                    feature.text("e_strasse"), feature.text("e_hnr"), feature.text("e_zus")
                ),
                postal_code=feature.text("e_plz"),
                lon=lon,
                lat=lat,
                description=f"{rule.label} der offenen Kinder- und Jugendarbeit.",
                source=JFE_SOURCE,
                confirmed=JFE_DATE,
                columns=JFE_COLUMNS,
                capacity=int(places) if places and int(places) > 0 else None,
                url=website(feature.text("e_web"), report, where),
                phones=[
                    (Phone.Kind.VOICE, n, "e_tel") for n in phone_numbers(feature.text("e_tel"))
                ],
            )
        )
    return sites


def _read_schools(data_dir: Path, selection: Selection, report: OffersReport) -> list[Site]:
    epsg, features = read_geojson(data_dir, SCHOOL_FILE)
    sites = []
    for feature in features:
        bezirk = _select(feature, "bezirk", selection, by_name=True)
        if bezirk is None:
            continue
        school_kind = feature.required("schulart")
        rule = SCHOOL_RULES.get(school_kind)
        if rule is None:
            raise feature.error("schulart", f"no classification rule for {school_kind!r}")
        name = feature.required("name")
        public = feature.required("traeger")
        if public not in ("öffentlich", "privat"):
            raise feature.error("traeger", f"{public!r} is neither öffentlich nor privat")
        if public == "privat":
            provider = name
        elif feature.text("schultyp") in CENTRAL_SCHOOL_TYPES:
            provider = SENATE_SCHOOL_PROVIDER
        else:
            provider = f"Bezirksamt {bezirk.name} (Schulträger)"
        bsn = feature.required("bsn")
        kind_text = (
            "öffentliche Schule" if public == "öffentlich" else "Schule in freier Trägerschaft"
        )
        district = feature.text("ortsteil")
        where = f"{SCHOOL_FILE} features[{feature.index}]"
        lon, lat = point_coordinates(feature, epsg)
        phones = [(Phone.Kind.VOICE, n, "telefon") for n in phone_numbers(feature.text("telefon"))]
        phones += [(Phone.Kind.FAX, n, "fax") for n in phone_numbers(feature.text("fax"))]
        sites.append(
            Site(
                feature=feature,
                bezirk=bezirk,
                rule=rule,
                external_id=f"schule:{bsn}",
                name=name,
                provider_name=provider,
                provider_type=_provider_type(public),
                provider_website="",
                street=_address(feature.text("strasse"), feature.text("hausnr")),
                postal_code=feature.text("plz"),
                lon=lon,
                lat=lat,
                description=(
                    f"{school_kind} ({kind_text})"
                    + (f" im Ortsteil {district}" if district else "")
                    + f", Schulnummer {bsn}."
                ),
                source=SCHOOL_SOURCE,
                confirmed=SCHOOL_DATE,
                columns=(
                    {**SCHOOL_COLUMNS, "provider": "name"} if public == "privat" else SCHOOL_COLUMNS
                ),
                url=website(feature.text("internet"), report, where),
                email=email(feature.text("email"), report, where),
                status=(
                    Service.Status.INACTIVE if NOT_TEACHING.search(name) else Service.Status.ACTIVE
                ),
                phones=phones,
            )
        )
    return sites


def _select(
    feature: GeoFeature, field_name: str, selection: Selection, *, by_name: bool = False
) -> Bezirk | None:
    """The Bezirk a feature names, None if that Bezirk is not being loaded."""
    value = feature.required(field_name)
    code = selection.codes_by_name.get(value) if by_name else value
    if code not in selection.names:
        raise feature.error(field_name, f"{value!r} is no Bezirk of the LOR hierarchy")
    return selection.bezirke.get(code)


def _provider_type(value: str) -> str:
    return PROVIDER_TYPES.get(value, value)


READERS: list[tuple[str, Callable[[Path, Selection, OffersReport], list[Site]]]] = [
    (KITA_FILE, _read_kitas),
    (JFE_FILE, _read_youth_sites),
    (SCHOOL_FILE, _read_schools),
]


def create_offers(
    data_dir: Path,
    bezirke: list[Bezirk],
    terms: dict[str, list[TaxonomyTerm]],
    *,
    all_bezirke: dict[str, str],
) -> OffersReport:
    """Read the three data sets for the given Bezirke, check them, and write them.

    `all_bezirke` (code → name, from the LOR hierarchy) tells a site of a Bezirk that is
    not being loaded, which is skipped, from one that names no Bezirk, which is an error.
    """
    report = OffersReport()
    selection = Selection(bezirke={b.code: b for b in bezirke}, names=all_bezirke)
    sites: list[Site] = []
    for file, reader in READERS:
        read = reader(data_dir, selection, report)
        report.services_by_file[file] = len(read)
        sites.extend(read)
    _check_unique(sites)
    _check_inside_bezirk(sites)
    _write(sites, terms, report)
    return report


def _check_unique(sites: list[Site]) -> None:
    seen: dict[str, Site] = {}
    for site in sites:
        first = seen.setdefault(site.external_id, site)
        if first is not site:
            raise site.feature.error(
                site.columns["external_id"],
                f"{site.external_id} already at {first.feature.file} "
                f"features[{first.feature.index}]",
            )


def _check_inside_bezirk(sites: list[Site]) -> None:
    """Refuse a site further than the tolerance outside the Bezirk its data names.

    The tolerance is the one the back office applies to a coordinate typed in. Berlin's
    Bezirk boundaries (2013) and the geocoded addresses disagree by up to 141 m along the
    borders (Kita Hausburg, Thaerstraße, lies 141 m into Pankow; the Röntgen-Schule 89 m
    into Treptow-Köpenick); further out, the coordinate or the district field is wrong.
    """
    if not sites:
        return
    # Distances in metres: reproject all points at once (one call instead of thousands).
    xs, ys = transformer(WGS84, METRIC_EPSG).transform(
        [site.lon for site in sites], [site.lat for site in sites]
    )
    for site, x, y in zip(sites, xs, ys, strict=True):
        boundary = site.bezirk.boundary_metric
        if shapely.contains_xy(boundary, x, y):
            continue
        distance = boundary.distance(shapely.Point(x, y))
        if distance > BOUNDARY_TOLERANCE_M:
            raise site.feature.error(
                "geometry",
                f"longitude {site.lon:.5f}, latitude {site.lat:.5f} lie {distance:,.0f} m "
                f"outside the Kommune {site.bezirk.name} that the feature names",
            )


def _write(sites: list[Site], terms: dict[str, list[TaxonomyTerm]], report: OffersReport) -> None:
    organizations: dict[tuple[str, str], Organization] = {}
    services: list[Service] = []
    locations: list[Location] = []
    links: list[ServiceAtLocation] = []
    phones: list[Phone] = []
    term_rows = []
    through = Service.terms.through
    for site in sites:
        provider = " ".join(site.provider_name.split())
        # One provider per name and Bezirk: the data sets spell the same provider with
        # different capitals ("Outreach gGmbH", "outreach gGmbH").
        key = (site.bezirk.code, provider.casefold())
        organization = organizations.get(key)
        if organization is None:
            organization = organizations[key] = Organization(
                kommune=site.bezirk.kommune,
                name=provider,
                provider_type=site.provider_type,
                website=site.provider_website,
            )
        elif not organization.website:
            organization.website = site.provider_website
        check_fields(organization, site.feature, {**site.columns, "name": site.columns["provider"]})
        service = Service(
            kommune=site.bezirk.kommune,
            organization=organization,
            name=site.name,
            description=site.description,
            url=site.url,
            email=site.email,
            status=site.status,
            min_age_months=site.rule.min_age_months,
            max_age_months=site.rule.max_age_months,
            application_process=site.application_process,
            capacity=site.capacity,
            last_confirmed=site.confirmed,
            source=site.source,
            external_id=site.external_id,
        )
        location = Location(
            kommune=site.bezirk.kommune,
            organization=organization,
            name=site.name,
            address_1=site.street,
            postal_code=site.postal_code,
            city="Berlin",
            latitude=site.lat,
            longitude=site.lon,
            external_id=site.external_id,
        )
        check_fields(service, site.feature, site.columns)
        check_fields(location, site.feature, site.columns)
        services.append(service)
        locations.append(location)
        links.append(ServiceAtLocation(service=service, location=location))
        for kind, number, column in site.phones:
            phone = Phone(service=service, number=number, kind=kind)
            check_fields(phone, site.feature, {"number": column})
            phones.append(phone)
        term_rows.extend(
            through(service_id=service.pk, taxonomyterm_id=term.pk) for term in terms[site.rule.key]
        )
        report.services_by_rule[site.rule.key] = report.services_by_rule.get(site.rule.key, 0) + 1

    _place(sites, locations, report)
    Organization.objects.bulk_create(organizations.values(), batch_size=500)
    Service.objects.bulk_create(services, batch_size=500)
    Location.objects.bulk_create(locations, batch_size=500)
    ServiceAtLocation.objects.bulk_create(links, batch_size=500)
    through.objects.bulk_create(term_rows, batch_size=1000)
    Phone.objects.bulk_create(phones, batch_size=500)
    report.organizations = len(organizations)
    report.locations = len(locations)
    report.phones = len(phones)


def _place(sites: list[Site], locations: list[Location], report: OffersReport) -> None:
    """Each location's Planungsraum, with one area index per Bezirk."""
    by_bezirk: dict[str, list[int]] = {}
    for position, site in enumerate(sites):
        by_bezirk.setdefault(site.bezirk.code, []).append(position)
    for positions in by_bezirk.values():
        bezirk = sites[positions[0]].bezirk
        index = area_index(bezirk.kommune)
        keys = index.locate_many([(sites[p].lon, sites[p].lat) for p in positions])
        for position, key in zip(positions, keys, strict=True):
            locations[position].area_id = key
            if key is None:
                site = sites[position]
                report.outside_areas.append(
                    f"{site.external_id} {site.name} ({site.bezirk.name}, "
                    f"{site.feature.file} features[{site.feature.index}])"
                )
