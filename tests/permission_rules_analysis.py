"""Who may do what at the gap analysis (lueckenlos.analysis).

Entries of the table EXPECTED in tests/test_permissions_every_url.py. The page routes are in
page_rules(), the export routes in export_rules(); rules() merges both.
"""

from __future__ import annotations

from tests.permission_table import Rule


def page_rules() -> dict[str, Rule]:
    """The gap page and a cell's detail: the Kommune's readers (coordinators, the county's
    coordinators, steering members, admins); provider editors and other Kommunen's
    coordinators get 403, anonymous visitors the sign-in. Both pages only read: a POST is
    405 for those who may read, 403 for the others."""
    from tests.permission_table import (
        MARZAHN_READERS,
        Case,
        Objects,
        Outcome,
        workspace,
    )

    def expect(yes: Outcome) -> dict[str, Outcome]:
        return workspace(MARZAHN_READERS, yes)

    def base(o: Objects) -> str:
        return f"/{o.m}/arbeitsbereich/luecken/"

    def gaps(o: Objects) -> list[Case]:
        return [
            Case("gap analysis", base(o), expect(200)),
            Case(
                "gap analysis with choices",
                base(o) + "?distance=500&w_need=2&w_supply=0&w_reach=1&measure=need",
                expect(200),
            ),
            Case(
                "gap analysis, refused weights",
                base(o) + "?w_need=0&w_supply=0&w_reach=0&level=x",
                expect(200),
            ),
            Case("gap analysis by POST", base(o), expect(405), "post", {}),
        ]

    def cell(o: Objects) -> list[Case]:
        url = base(o) + "zelle/"
        return [
            Case("a cell", url + "?phase=preschool&field=education", expect(200)),
            Case("an unknown cell", url + "?phase=nope&field=education", expect(404)),
            Case("a cell by POST", url, expect(405), "post", {}),
        ]

    return {
        "<slug:kommune_slug>/arbeitsbereich/luecken/": gaps,
        "<slug:kommune_slug>/arbeitsbereich/luecken/zelle/": cell,
    }


def export_rules() -> dict[str, Rule]:
    """Downloads of the gap analysis (CSV, XLSX, PDF): the Kommune's readers only, as the
    page; provider editors and other Kommunen get 403. Only GET: a POST is 405 for those
    who may read."""
    from tests.permission_table import MARZAHN_READERS, Case, Objects, Outcome, workspace

    def expect(yes: Outcome) -> dict[str, Outcome]:
        return workspace(MARZAHN_READERS, yes)

    def cases(fmt: str):
        def rule(o: Objects) -> list[Case]:
            url = f"/{o.m}/arbeitsbereich/luecken/export.{fmt}"
            return [
                Case(f"gaps as {fmt}", url, expect(200)),
                Case(f"gaps as {fmt} by POST", url, expect(405), "post", {}),
            ]

        return rule

    base = "<slug:kommune_slug>/arbeitsbereich/luecken/"
    return {f"{base}export.{fmt}": cases(fmt) for fmt in ("csv", "xlsx", "pdf")}


def rules() -> dict[str, Rule]:
    return {**page_rules(), **export_rules()}
