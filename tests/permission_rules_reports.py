"""Who may do what at the reports pages (entries of EXPECTED in test_permissions_every_url).

The report page: the Kommune's readers (coordinators, the county's coordinators, steering
members, admins) see the form and download the report (a POST answers with the file, or
with the form and its errors); coordinators' choices are also kept, steering members' are
not (lueckenlos/reports/tests/test_page.py). Provider editors and other Kommunen's
coordinators get 403, anonymous visitors the sign-in.
"""

from __future__ import annotations

from tests.permission_table import Rule


def rules() -> dict[str, Rule]:
    from django.utils import timezone

    from tests.permission_table import MARZAHN_READERS, Case, Objects, workspace

    def report(o: Objects) -> list[Case]:
        url = f"/{o.m}/arbeitsbereich/bericht/"
        year = timezone.localdate().year - 1
        download = {"year": year, "sections": ["inventory"], "format": "docx"}
        return [
            Case("report form", url, workspace(MARZAHN_READERS, 200)),
            Case("report form of a year", url + f"?jahr={year}", workspace(MARZAHN_READERS, 200)),
            Case("report download", url, workspace(MARZAHN_READERS, 200), "post", download),
            Case(
                "report without a section",
                url,
                workspace(MARZAHN_READERS, 200),
                "post",
                {**download, "sections": []},
            ),
        ]

    return {"<slug:kommune_slug>/arbeitsbereich/bericht/": report}
