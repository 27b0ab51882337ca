"""Placing addresses without a third party: the Kommune's own address register first.

The register holds the official house coordinates (see AddressPoint and
`lueckenlos import-addresses`). A lookup matches street and house number exactly after
normalising spellings ("Albrechtstr." = "Albrechtstraße" = "Albrechtstrasse"); it never
guesses: a house number that is not in the register, or an address that the register holds
under two postcodes, comes back unmatched or ambiguous with what was found instead.
Optionally a Nominatim-compatible server the installation runs itself is asked when the
register has no match (settings NOMINATIM_URL, NOMINATIM_TIMEOUT_SECONDS); no public server
is ever asked by default.
"""

from __future__ import annotations

import json
import math
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from lueckenlos.areas.models import AddressPoint, Kommune
from lueckenlos.lib.geo import GeometryError, check_wgs84_point
from lueckenlos.search.text import fold

MATCHED = "matched"
AMBIGUOUS = "ambiguous"
UNMATCHED = "unmatched"
REGISTER = "address register"
NOMINATIM = "nominatim"

USER_AGENT = "lueckenlos (address placement for a municipal offer directory)"
DEFAULT_TIMEOUT_SECONDS = 10
# Results of a geocoding server closer than this are one place (a building as node and way).
SAME_PLACE_METRES = 50.0
# How many house numbers of a known street an unmatched result lists.
MAX_CANDIDATES = 5

_STREET_WORD = re.compile(r"[^\W_]+")
# The house number at the end of "street number": 5, 5a, 5 a, 12-14, 12 a-c, 3/1.
_ADDRESS = re.compile(
    r"^(?P<street>.*?)[\s,]*"
    r"(?P<number>\d+(?:\s*[a-zA-Z](?![a-zA-Z]))?(?:\s*[-–/]\s*\d*(?:\s*[a-zA-Z](?![a-zA-Z]))?)?)"
    r"\s*$"
)
_NUMBER_PART = re.compile(r"\d+|[^\d]+")


class GeocodingServiceError(Exception):
    """The configured geocoding server could not be asked; the message says why."""


@dataclass(frozen=True)
class GeocodeResult:
    status: str  # MATCHED, AMBIGUOUS or UNMATCHED
    longitude: float | None
    latitude: float | None
    candidates: tuple[str, ...]  # for ambiguous/unmatched: what was found, for the user
    source: str  # REGISTER or NOMINATIM


def normalise_street(text: str) -> str:
    """The key a street is looked up by: case, umlauts, "Str."/"Strasse"/"Straße", spaces
    and hyphens do not matter ("Karl-Marx-Str." = "Karl Marx Straße" → "karlmarxstrasse").

    Words are folded as the search folds them (lueckenlos.search.text.fold), so the portal's
    "near an address" search and the geocoder agree on what counts as the same street.
    """
    parts = []
    for word in _STREET_WORD.findall(text):
        word = fold(word)
        if word.endswith("str"):
            word += "asse"
        parts.append(word)
    return "".join(parts)


def normalise_house_number(text: str) -> str:
    """ "5 a", "5A" and "005a" → "5a"; "12 – 14" → "12-14"."""
    compact = re.sub(r"\s+", "", text).replace("–", "-").casefold()
    return "".join(
        str(int(part)) if part.isdigit() else part for part in _NUMBER_PART.findall(compact)
    )


def split_street_and_number(text: str) -> tuple[str, str]:
    """ "Hauptstr. 5 a, 12345 Berlin" → ("Hauptstr.", "5a"); no number → (text, "")."""
    first = text.split(",", 1)[0].strip()
    match = _ADDRESS.match(first)
    if not match or not match.group("street").strip():
        return first, ""
    return match.group("street").strip(), normalise_house_number(match.group("number"))


def address_key(text: str) -> str:
    """One string per address, for comparing addresses: "hauptstrasse 5a"."""
    street, number = split_street_and_number(text)
    return f"{normalise_street(street)} {number}".strip()


def _base_number(number: str) -> str:
    match = re.match(r"\d+", number)
    return match.group(0) if match else number


@dataclass(frozen=True)
class RegisterEntry:
    """An address of the register as the geocoder keeps it in memory."""

    street: str
    street_key: str
    house_number: str
    postal_code: str
    locality: str
    longitude: float
    latitude: float

    def label(self) -> str:
        place = f"{self.postal_code} {self.locality}".strip()
        return f"{self.street} {self.house_number}" + (f", {place}" if place else "")


@dataclass(frozen=True)
class NominatimClient:
    """A Nominatim-compatible server the installation runs or trusts, asked by structured
    query with lueckenlos' own User-Agent."""

    url: str
    timeout: float = DEFAULT_TIMEOUT_SECONDS

    def search(self, *, street_and_number: str, postal_code: str, city: str) -> list[dict]:
        query = {"street": street_and_number, "countrycodes": "de", "format": "jsonv2"}
        if postal_code:
            query["postalcode"] = postal_code
        if city:
            query["city"] = city
        query["limit"] = "5"
        address = f"{self.url.rstrip('/')}/search?{urllib.parse.urlencode(query)}"
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in from_settings)
            address, headers={"User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                results = json.load(response)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            raise GeocodingServiceError(
                _("The geocoding server %(url)s did not answer usefully: %(reason)s")
                % {"url": self.url, "reason": getattr(exc, "reason", exc)}
            ) from exc
        if not isinstance(results, list):
            raise GeocodingServiceError(
                _("The geocoding server %(url)s did not answer with a list of places.")
                % {"url": self.url}
            )
        return [r for r in results if isinstance(r, dict)]

    @classmethod
    def from_settings(cls) -> NominatimClient | None:
        url = getattr(settings, "NOMINATIM_URL", "")
        if not url:
            return None
        if not url.startswith(("https://", "http://")):
            raise GeocodingServiceError(
                _("NOMINATIM_URL must start with https:// or http://, not “%(url)s”.")
                % {"url": url}
            )
        timeout = getattr(settings, "NOMINATIM_TIMEOUT_SECONDS", DEFAULT_TIMEOUT_SECONDS)
        return cls(url=url, timeout=float(timeout))


def metres_apart(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Equirectangular: exact enough for telling "the same building" from "another street".
    mean_lat = math.radians((a[1] + b[1]) / 2)
    dx = math.radians(b[0] - a[0]) * math.cos(mean_lat)
    dy = math.radians(b[1] - a[1])
    return 6_371_000 * math.hypot(dx, dy)


class Geocoder:
    """A Kommune's address register in memory, for many lookups."""

    def __init__(self, entries: Iterable[RegisterEntry], *, nominatim: NominatimClient | None):
        self._nominatim = nominatim
        self._by_address: dict[tuple[str, str], list[RegisterEntry]] = defaultdict(list)
        self._by_street: dict[str, list[RegisterEntry]] = defaultdict(list)
        for entry in entries:
            self._by_address[entry.street_key, entry.house_number].append(entry)
            self._by_street[entry.street_key].append(entry)

    def __len__(self) -> int:
        return sum(len(found) for found in self._by_address.values())

    def geocode(
        self, *, street_and_number: str, postal_code: str = "", city: str = ""
    ) -> GeocodeResult:
        result = self._from_register(street_and_number, postal_code.strip(), city.strip())
        if result.status == UNMATCHED and self._nominatim is not None:
            return _from_nominatim(
                self._nominatim, street_and_number, postal_code, city, fallback=result
            )
        return result

    def _from_register(self, text: str, postal_code: str, city: str) -> GeocodeResult:
        street, number = split_street_and_number(text)
        key = normalise_street(street)
        found = self._by_address.get((key, number), []) if number else []
        if postal_code:
            same_postcode = [e for e in found if e.postal_code == postal_code]
            if not same_postcode:
                # Under another postcode it may be another street of the same name.
                return _unmatched(found or self._near_numbers(key, number))
            found = same_postcode
        elif city and len(found) > 1:
            in_city = [e for e in found if fold(e.locality) == fold(city)]
            found = in_city or found
        if not found:
            return _unmatched(self._near_numbers(key, number))
        places = _distinct(found)
        if len(places) > 1:
            return GeocodeResult(AMBIGUOUS, None, None, tuple(e.label() for e in places), REGISTER)
        return GeocodeResult(MATCHED, found[0].longitude, found[0].latitude, (), REGISTER)

    def _near_numbers(self, key: str, number: str) -> list[RegisterEntry]:
        """Addresses of the street with the same number without suffix, or with a suffix
        ("12" for "12a"; "12a", "12b" for "12"), else the closest numbers."""
        on_street = self._by_street.get(key, [])
        if not on_street or not number:
            return on_street[:MAX_CANDIDATES]
        base = _base_number(number)
        same_base = [e for e in on_street if _base_number(e.house_number) == base]
        if same_base:
            return same_base[:MAX_CANDIDATES]
        if not base.isdigit():
            return on_street[:MAX_CANDIDATES]

        def distance(entry: RegisterEntry) -> int:
            other = _base_number(entry.house_number)
            return abs(int(other) - int(base)) if other.isdigit() else 1_000_000

        return sorted(on_street, key=distance)[:MAX_CANDIDATES]


def _from_nominatim(
    client: NominatimClient, text: str, postal_code: str, city: str, *, fallback: GeocodeResult
) -> GeocodeResult:
    """The server's one place for the address; several distinct places are ambiguous."""
    places: list[tuple[float, float, str]] = []
    for result in client.search(street_and_number=text, postal_code=postal_code, city=city):
        try:
            lon, lat = float(result["lon"]), float(result["lat"])
            check_wgs84_point(lon, lat)
        except (KeyError, TypeError, ValueError, GeometryError):
            continue  # a place outside Germany or without coordinates is none of ours
        if all(metres_apart((lon, lat), p[:2]) > SAME_PLACE_METRES for p in places):
            places.append((lon, lat, str(result.get("display_name", ""))))
    if not places:
        return fallback
    if len(places) > 1:
        return GeocodeResult(AMBIGUOUS, None, None, tuple(p[2] for p in places), NOMINATIM)
    lon, lat, _label = places[0]
    return GeocodeResult(MATCHED, round(lon, 7), round(lat, 7), (), NOMINATIM)


def _distinct(entries: list[RegisterEntry]) -> list[RegisterEntry]:
    """One entry per place: the register may list a building twice at one point."""
    distinct: list[RegisterEntry] = []
    for entry in entries:
        point = (entry.longitude, entry.latitude)
        if all(
            metres_apart(point, (d.longitude, d.latitude)) > 1.0
            or d.postal_code != entry.postal_code
            for d in distinct
        ):
            distinct.append(entry)
    return distinct


def _unmatched(found: list[RegisterEntry]) -> GeocodeResult:
    labels = tuple(dict.fromkeys(entry.label() for entry in found))
    return GeocodeResult(UNMATCHED, None, None, labels, REGISTER)


def register_kommune_ids(kommune: Kommune) -> list[int]:
    """The Kommune and those containing it: a Bezirk uses the register of its city."""
    ids = []
    current: Kommune | None = kommune
    while current is not None and current.pk not in ids:
        ids.append(current.pk)
        current = current.parent
    return ids


def geocoder_for(kommune: Kommune) -> Geocoder:
    """A geocoder over the address register of the Kommune and of the Kommunen containing it,
    with the configured geocoding server (if any) for addresses the register lacks."""
    rows = AddressPoint.objects.filter(kommune_id__in=register_kommune_ids(kommune)).values_list(
        "street",
        "street_key",
        "house_number",
        "postal_code",
        "locality",
        "longitude",
        "latitude",
    )
    return Geocoder(
        (RegisterEntry(*row) for row in rows.order_by("pk").iterator(chunk_size=5000)),
        nominatim=NominatimClient.from_settings(),
    )
