"""The report page of the workspace: choose, write the introduction, download.

Readers of the Kommune (coordinators, steering members, administrators) may generate the
report; a coordinator's choices are also kept for the Kommune and year, so the next visit
starts from them. A steering member's are not: they read, they do not change what the
coordinators prepared.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from lueckenlos.reports import docx, pdf
from lueckenlos.reports.content import available_sections, report_content, report_file_name
from lueckenlos.reports.forms import ReportForm, default_year
from lueckenlos.reports.models import ReportDraft
from lueckenlos.reports.services import report_draft_save
from lueckenlos.workspace.access import workspace_view
from lueckenlos.workspace.navigation import render

RENDERERS = {
    ReportDraft.Format.PDF: (pdf.report_pdf, pdf.CONTENT_TYPE),
    ReportDraft.Format.DOCX: (docx.report_docx, docx.CONTENT_TYPE),
}


def _requested_year(request: HttpRequest) -> int:
    """?jahr= opens the saved choices of another year; anything else: last year."""
    try:
        return int(request.GET.get("jahr", ""))
    except ValueError:
        return default_year()


@workspace_view("reader")
@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    workspace = request.workspace
    kommune = workspace.kommune
    drafts = ReportDraft.objects.for_kommune(kommune).order_by("-year")
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            return _generate(request, form.cleaned_data)
    else:
        year = _requested_year(request)
        draft = drafts.filter(year=year).first()
        form = ReportForm(initial=ReportForm.initial_for(draft, year))
    checked = set(form["sections"].value() or [])
    section_choices = [
        {
            "key": section.key,
            "title": section.title,
            "description": section.description,
            "checked": section.key in checked,
        }
        for section in available_sections()
    ]
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "section_choices": section_choices,
            "drafts": drafts,
            "saves": workspace.can_coordinate,
        },
    )


def _generate(request: HttpRequest, data: dict) -> HttpResponse:
    workspace = request.workspace
    kommune = workspace.kommune
    if workspace.can_coordinate:
        report_draft_save(
            kommune=kommune,
            year=data["year"],
            introduction=data["introduction"],
            sections=data["sections"],
            fmt=data["format"],
            acting_user=request.user,
        )
    content = report_content(
        kommune, data["year"], sections=data["sections"], introduction=data["introduction"]
    )
    render_file, content_type = RENDERERS[data["format"]]
    response = HttpResponse(render_file(content), content_type=content_type)
    name = report_file_name(kommune, data["year"], data["format"])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
