"""Who may do what at the indicator data pages (entries of EXPECTED, permission test).

Coordinators of Marzahn (the county's too) and admins write: upload, preview and commit,
manual entry, definitions, seeding, undo. The steering group reads the list of changes and
a change's details, nothing else; provider editors and Pankow's coordinator get 403. An
upload waiting for its commit is its uploader's: other coordinators get 404.
"""

from __future__ import annotations

import datetime as dt

from tests.permission_table import Rule

CODE = "M2_DATA"  # a code of its own: other rule modules create indicators of Marzahn too
DAY = dt.date(2022, 12, 31)


def rules() -> dict[str, Rule]:
    from lueckenlos.areas.models import Area
    from lueckenlos.monitoring.models import Indicator, PendingIndicatorImport
    from lueckenlos.monitoring.services import State, indicator_values_save
    from tests.permission_table import (
        MARZAHN_COORDINATORS,
        MARZAHN_READERS,
        Case,
        Objects,
        Outcome,
        Redirect,
        workspace,
    )

    def base(o: Objects) -> str:
        return f"/{o.m}/arbeitsbereich/monitoring/"

    def readers(yes: Outcome) -> dict[str, Outcome]:
        return workspace(MARZAHN_READERS, yes)

    def coordinators(yes: Outcome, **kw) -> dict[str, Outcome]:
        return workspace(MARZAHN_COORDINATORS, yes, **kw)

    def indicator(o: Objects) -> Indicator:
        area = Area.objects.filter(kommune=o.world.marzahn).order_by("-level__depth").first()
        found, _created = Indicator.objects.get_or_create(
            kommune=o.world.marzahn,
            code=CODE,
            defaults={"name": "Kinderarmut", "unit": "%", "area_level": area.level},
        )
        return found

    def batch_id(o: Objects) -> int:
        area = Area.objects.filter(kommune=o.world.marzahn).order_by("-level__depth").first()
        batch = indicator_values_save(
            indicator=indicator(o), reference_date=DAY, rows={area: State(12.5)}
        )
        return batch.pk

    def overview(o: Objects) -> list[Case]:
        return [
            Case("indicator data", base(o) + "werte/", readers(200)),
            Case("indicator data by POST", base(o) + "werte/", readers(405), "post", {}),
        ]

    def upload(o: Objects) -> list[Case]:
        url = base(o) + "werte/import/"
        return [
            Case("upload values", url, coordinators(200)),
            # Without a file the form comes back with its error.
            Case("upload values without a file", url, coordinators(200), "post", {}),
        ]

    def preview(o: Objects) -> list[Case]:
        pending = PendingIndicatorImport.objects.create(
            kommune=o.world.marzahn,
            filename="werte.csv",
            # A row error: the commit is refused, and the upload stays for the next role.
            data=f"Gebiet;{CODE}\nunbekannt;3\n".encode(),
            reference_date=DAY,
            created_by=o.world.users["coordinator_marzahn"],
        )
        url = f"{base(o)}werte/import/{pending.pk}/"
        others = frozenset({"county_coordinator", "admin"})
        return [
            Case("preview of an upload", url, coordinators(200, not_found=others)),
            Case(
                "commit of an upload with errors",
                url,
                coordinators(200, not_found=others),
                "post",
                {},
            ),
        ]

    def batch(o: Objects) -> list[Case]:
        url = f"{base(o)}werte/{batch_id(o)}/"
        return [
            Case("a change of values", url, readers(200)),
            Case("a change of values by POST", url, readers(405), "post", {}),
        ]

    def undo(o: Objects) -> list[Case]:
        url = f"{base(o)}werte/{batch_id(o)}/rueckgaengig/"
        return [
            Case("undo a change: confirmation", url, coordinators(200)),
            Case(
                "undo a change",
                url,
                coordinators(Redirect(base(o) + "werte/")),
                "post",
                {},
            ),
        ]

    def create(o: Objects) -> list[Case]:
        url = base(o) + "neu/"
        return [
            Case("new indicator", url, coordinators(200)),
            Case("new indicator, incomplete", url, coordinators(200), "post", {}),
        ]

    def seed(o: Objects) -> list[Case]:
        url = base(o) + "neu/standard/"
        return [
            Case("add the standard indicators by GET", url, coordinators(405)),
            Case(
                "add the standard indicators",
                url,
                coordinators(Redirect(base(o) + "werte/")),
                "post",
                {},
            ),
        ]

    def edit(o: Objects) -> list[Case]:
        url = f"{base(o)}{indicator(o).code}/bearbeiten/"
        return [
            Case("edit an indicator", url, coordinators(200)),
            Case("edit an unknown indicator", base(o) + "NIX/bearbeiten/", coordinators(404)),
            Case("edit an indicator, incomplete", url, coordinators(200), "post", {}),
        ]

    def values(o: Objects) -> list[Case]:
        url = f"{base(o)}{indicator(o).code}/werte/"
        return [
            Case("enter values", url, coordinators(200)),
            Case("enter values of a date", url + "?new=2022-12-31", coordinators(200)),
            Case("enter values of an unknown indicator", base(o) + "NIX/werte/", coordinators(404)),
            # The permission test posts JSON: the page asks for the date again.
            Case("enter values by POST", url, coordinators(200), "post", {}),
        ]

    route = "<slug:kommune_slug>/arbeitsbereich/monitoring/"
    return {
        f"{route}werte/": overview,
        f"{route}werte/import/": upload,
        f"{route}werte/import/<uuid:pending_id>/": preview,
        f"{route}werte/<int:batch_id>/": batch,
        f"{route}werte/<int:batch_id>/rueckgaengig/": undo,
        f"{route}neu/": create,
        f"{route}neu/standard/": seed,
        f"{route}<str:code>/bearbeiten/": edit,
        f"{route}<str:code>/werte/": values,
    }
