"""Writing the report's saved choices (the one write function of this app)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from lueckenlos.areas.models import Kommune
from lueckenlos.reports.models import ReportDraft


@transaction.atomic
def report_draft_save(
    *,
    kommune: Kommune,
    year: int,
    introduction: str,
    sections: list[str],
    fmt: str,
    acting_user,
) -> ReportDraft:
    """Keep the choices of this Kommune's report for `year` (one draft per year)."""
    draft, _created = ReportDraft.objects.update_or_create(
        kommune=kommune,
        year=year,
        defaults={
            "introduction": introduction,
            "sections": list(sections),
            "format": fmt,
            "updated_by": acting_user,
            "updated_at": timezone.now(),
        },
    )
    return draft
