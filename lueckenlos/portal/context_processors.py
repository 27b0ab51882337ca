"""Template context that several public pages need."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def tile_host(url: str) -> str:
    """The server a tile URL sends the browser to, as the consent notice names it.

    Leaflet's subdomain placeholder ({s}.tile.example.org) stands for several hosts.
    """
    return (urlsplit(url).netloc.rsplit("@", 1)[-1]).replace("{s}", "*")


def map_settings(request: HttpRequest) -> dict:
    """The background-map tile server of this installation, empty when there is none."""
    url = settings.TILE_URL
    return {
        "map_tiles": {
            "url": url,
            "attribution": settings.TILE_ATTRIBUTION if url else "",
            "host": tile_host(url) if url else "",
        }
    }
