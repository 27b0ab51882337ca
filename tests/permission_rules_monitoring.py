"""Who may do what at the monitoring pages (entries of EXPECTED in test_permissions_every_url).

The atlas in the workspace: the Kommune's readers (coordinators, the county's coordinators,
steering members, admins); provider editors and other Kommunen's coordinators get 403,
anonymous visitors the sign-in. The public indicators: everyone. All pages only read: a
POST is 405 for those who may read.
"""

from __future__ import annotations

import datetime as dt

from tests.permission_table import Rule


def rules() -> dict[str, Rule]:
    from lueckenlos.monitoring.models import Indicator, IndicatorValue
    from tests.permission_table import (
        MARZAHN_READERS,
        Case,
        Objects,
        everyone,
        workspace,
    )

    def indicator(o: Objects, code: str, *, public: bool) -> Indicator:
        found, _created = Indicator.objects.get_or_create(
            kommune=o.world.marzahn,
            code=code,
            defaults={"name": f"Kennzahl {code}", "unit": "%", "is_public": public},
        )
        area = o.world.marzahn.areas.first()
        if area is not None:
            IndicatorValue.objects.get_or_create(
                indicator=found,
                area=area,
                reference_date=dt.date(2020, 12, 31),
                defaults={"value": 25.0},
            )
        return found

    def atlas(o: Objects) -> list[Case]:
        url = f"/{o.m}/arbeitsbereich/monitoring/"
        indicator(o, "S4", public=False)
        return [
            Case("the monitoring atlas", url, workspace(MARZAHN_READERS, 200)),
            Case("the atlas by POST", url, workspace(MARZAHN_READERS, 405), "post", {}),
        ]

    def atlas_indicator(o: Objects) -> list[Case]:
        base = f"/{o.m}/arbeitsbereich/monitoring/"
        indicator(o, "S4", public=False)
        return [
            Case("an indicator", base + "S4/", workspace(MARZAHN_READERS, 200)),
            Case(
                "an indicator with choices",
                base + "S4/?date=2020-12-31&phase=infant",
                workspace(MARZAHN_READERS, 200),
            ),
            Case("an unknown indicator", base + "NOPE/", workspace(MARZAHN_READERS, 404)),
            Case("an indicator by POST", base + "S4/", workspace(MARZAHN_READERS, 405), "post", {}),
        ]

    def public_list(o: Objects) -> list[Case]:
        url = f"/{o.m}/kennzahlen/"
        indicator(o, "OEFFENTLICH", public=True)
        return [
            Case("public indicators", url, everyone(200)),
            Case("… of an unknown Kommune", "/nirgendwo/kennzahlen/", everyone(404)),
            Case("public indicators by POST", url, everyone(405), "post", {}),
        ]

    def public_detail(o: Objects) -> list[Case]:
        base = f"/{o.m}/kennzahlen/"
        indicator(o, "OEFFENTLICH", public=True)
        indicator(o, "INTERN", public=False)
        return [
            Case("a public indicator", base + "OEFFENTLICH/", everyone(200)),
            # Internal indicators are not public, even for those who may read them inside.
            Case("an internal indicator", base + "INTERN/", everyone(404)),
            Case("an unknown indicator", base + "NOPE/", everyone(404)),
            Case("a public indicator by POST", base + "OEFFENTLICH/", everyone(405), "post", {}),
        ]

    slug = "<slug:kommune_slug>/"
    return {
        slug + "arbeitsbereich/monitoring/": atlas,
        slug + "arbeitsbereich/monitoring/<str:code>/": atlas_indicator,
        slug + "kennzahlen/": public_list,
        slug + "kennzahlen/<str:code>/": public_detail,
    }
