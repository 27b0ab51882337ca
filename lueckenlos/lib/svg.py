"""SVG as WeasyPrint draws it (the gap analysis's PDF and the prevention report share it)."""

from __future__ import annotations

import re

# A gradient fill of a Vega legend: `<path d="M0,0h240v16h-240Z" fill="url(#gradient_0)"`.
_GRADIENT_FILL = re.compile(
    r'<path d="M0,0h(?P<w>[\d.]+)v(?P<h>[\d.]+)h-[\d.]+Z" fill="url\(#(?P<id>[\w-]+)\)"'
)
_GRADIENT = re.compile(r'<linearGradient id="(?P<id>[\w-]+)"(?P<attrs>[^>]*)>')
_COORDINATE = re.compile(r'\b(?P<name>[xy][12])="(?P<value>[\d.eE+-]+)"')


def weasyprint_svg(svg: str) -> str:
    """The SVG with its legends' colour gradients drawn by WeasyPrint too.

    WeasyPrint (70) leaves a gradient in bounding-box units (SVG's default, which Vega
    uses for its legends) unpainted, so a map's legend lost its colour ramp. Each such
    gradient fills one rectangle drawn from 0,0, so the same gradient in the rectangle's
    own units (userSpaceOnUse) is identical, and WeasyPrint paints it."""
    sizes = {m["id"]: (float(m["w"]), float(m["h"])) for m in _GRADIENT_FILL.finditer(svg)}

    def in_user_units(match: re.Match) -> str:
        size = sizes.get(match["id"])
        if size is None or "gradientUnits" in match["attrs"]:
            return match.group(0)
        width, height = size

        def scaled(coordinate: re.Match) -> str:
            extent = width if coordinate["name"].startswith("x") else height
            return f'{coordinate["name"]}="{float(coordinate["value"]) * extent:g}"'

        attrs = _COORDINATE.sub(scaled, match["attrs"])
        return f'<linearGradient id="{match["id"]}" gradientUnits="userSpaceOnUse"{attrs}>'

    return _GRADIENT.sub(in_user_units, svg) if sizes else svg
