"""The report's own sections: inventory, gap analysis, indicators with their trends.

Each builds its blocks from the functions the workspace pages use (the catalogue, the
freshness rules, the gap analysis, the monitoring's queries), so the report and the pages
never disagree. Counts of offers are facts about the catalogue and shown as they are;
figures about people (children, indicator values) follow the small-number rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lueckenlos.areas.models import Kommune
from lueckenlos.catalogue.models import Location, Organization, Service, TaxonomyTerm
from lueckenlos.catalogue.vocabularies import FIELD_OF_ACTION, LIFE_PHASE
from lueckenlos.reports.content import (
    Block,
    Column,
    Heading,
    Paragraph,
    Section,
    Table,
    figure_blocks,
    register_section,
)

INVENTORY = "inventory"
GAPS = "gaps"
INDICATORS = "indicators"
TOP_AREAS = 10
DASH = "–"


def number(value: float | None, decimals: int = 0) -> str:
    """A figure in the active language's format (decimal comma and grouping in German)."""
    if value is None:
        return DASH
    return formats.number_format(value, decimals, use_l10n=True, force_grouping=True)


def signed(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return DASH
    text = number(abs(value), decimals)
    if round(value, decimals) == 0:
        return text
    return ("+" if value > 0 else "−") + text  # a real minus sign, not a hyphen


def day(value: dt.date | None) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else DASH


# --- inventory ---------------------------------------------------------------------------


def _terms(vocabulary: str) -> list[TaxonomyTerm]:
    return list(TaxonomyTerm.objects.filter(taxonomy__code=vocabulary).order_by("position", "name"))


def _offer_ids_by_term(offers) -> dict[str, set]:
    """Term code ("vocabulary:code") → ids of the offers tagged with it, in one query."""
    tagged = Service.terms.through.objects.filter(service__in=offers).values_list(
        "service_id", "taxonomyterm__taxonomy__code", "taxonomyterm__code"
    )
    by_term: dict[str, set] = defaultdict(set)
    for service_id, vocabulary, code in tagged:
        by_term[f"{vocabulary}:{code}"].add(service_id)
    return by_term


def inventory_matrix(kommune: Kommune) -> Table:
    """Active offers per field of action (rows) and life phase (columns), with totals.

    Fields are the rows so that the table fits a portrait page: there are nine of them
    and six life phases. An offer for several phases or fields counts in each cell it is
    tagged with, so rows and columns add up to more than the offers; the totals count each
    offer once."""
    offers = Service.objects.for_kommune(kommune, include_contained=True).active()
    ids = set(offers.values_list("pk", flat=True))
    by_term = _offer_ids_by_term(offers)
    phases = _terms(LIFE_PHASE)
    fields = _terms(FIELD_OF_ACTION)
    phase_ids = [by_term.get(f"{LIFE_PHASE}:{p.code}", set()) for p in phases]
    rows = []
    for term in fields:
        in_field = by_term.get(f"{FIELD_OF_ACTION}:{term.code}", set())
        rows.append(
            [
                term.name,
                *(number(len(in_field & ids_)) for ids_ in phase_ids),
                number(len(in_field)),
            ]
        )
    any_field = set().union(*(by_term.get(f"{FIELD_OF_ACTION}:{t.code}", set()) for t in fields))
    without_field = ids - any_field
    rows.append(
        [
            _("No field of action"),
            *(number(len(ids_ - any_field)) for ids_ in phase_ids),
            number(len(without_field)),
        ]
    )
    rows.append(
        [_("All active offers"), *(number(len(ids_)) for ids_ in phase_ids), number(len(ids))]
    )
    return Table(
        [
            Column(_("Field of action")),
            *(Column(p.name, numeric=True) for p in phases),
            Column(_("All life phases"), numeric=True),
        ],
        rows,
        caption=_("Active offers by field of action and life phase"),
        total_row=True,
    )


def inventory_blocks(kommune: Kommune, year: int, *, today: dt.date | None = None) -> list[Block]:
    from lueckenlos.freshness.queries import (
        hidden_q,
        hide_after_months,
        remind_after_months,
        stale_q,
    )

    today = today or timezone.localdate()
    offers = Service.objects.for_kommune(kommune, include_contained=True)
    active = offers.active()
    counts = {
        status: offers.filter(status=status).count() for status, _label in Service.Status.choices
    }
    providers = Organization.objects.for_kommune(kommune, include_contained=True)
    locations = Location.objects.for_kommune(kommune, include_contained=True)
    providers_active = providers.filter(
        services__status=Service.Status.ACTIVE, services__deleted_at__isnull=True
    ).distinct()
    created = offers.filter(created_at__year=year)
    created_count = created.count()
    created_active = created.filter(status=Service.Status.ACTIVE).count()
    stale = active.filter(stale_q(today)).count()
    hidden = active.filter(hidden_q(today)).count()

    blocks: list[Block] = [
        Paragraph(
            _(
                "The catalogue of offers on %(date)s: what families find in the portal, "
                "sorted by field of action and life phase."
            )
            % {"date": day(today)}
        ),
        inventory_matrix(kommune),
        Paragraph(
            _(
                "An offer for several life phases or fields of action counts in each of "
                "them; the totals count every offer once."
            ),
            note=True,
        ),
        Heading(_("Offers, providers and locations")),
        Table(
            [Column(_("Figure")), Column(_("Number"), numeric=True)],
            [
                [_("Active offers"), number(counts[Service.Status.ACTIVE])],
                [_("Inactive offers"), number(counts[Service.Status.INACTIVE])],
                [_("Drafts"), number(counts[Service.Status.DRAFT])],
                [_("Providers"), number(providers.count())],
                [_("Providers with at least one active offer"), number(providers_active.count())],
                [_("Locations"), number(locations.count())],
            ],
            caption=_("Offers by status, providers and locations"),
        ),
        Heading(_("New offers in %(year)s") % {"year": year}),
        Paragraph(
            ngettext(
                "%(created)s offer was entered in %(year)s; %(active)s of them is active today.",
                "%(created)s offers were entered in %(year)s; %(active)s of them are active today.",
                created_count,
            )
            % {"created": number(created_count), "year": year, "active": number(created_active)}
        ),
        Heading(_("Up-to-dateness")),
        Paragraph(
            ngettext(
                "%(stale)s of %(active)s active offers has not been confirmed by its "
                "provider for %(months)s months or more; the provider is reminded.",
                "%(stale)s of %(active)s active offers have not been confirmed by their "
                "provider for %(months)s months or more; their providers are reminded.",
                stale,
            )
            % {
                "stale": number(stale),
                "active": number(counts[Service.Status.ACTIVE]),
                "months": remind_after_months(),
            }
        ),
    ]
    months = hide_after_months()
    if months:
        blocks.append(
            Paragraph(
                ngettext(
                    "%(hidden)s of them is older than %(months)s months and no longer shown "
                    "in the portal until it is confirmed.",
                    "%(hidden)s of them are older than %(months)s months and no longer shown "
                    "in the portal until they are confirmed.",
                    hidden,
                )
                % {"hidden": number(hidden), "months": months}
            )
        )
    else:
        blocks.append(
            Paragraph(_("Offers are never hidden from the portal for their age here."), note=True)
        )
    return blocks


# --- gap analysis ------------------------------------------------------------------------


def gap_blocks(kommune: Kommune, year: int) -> list[Block]:
    from lueckenlos.analysis.basis import analysis_basis
    from lueckenlos.analysis.charts import coverage_heatmap, priority_bars
    from lueckenlos.analysis.exports import gap_analysis
    from lueckenlos.analysis.maps import choropleth

    analysis = gap_analysis(kommune)
    priority = analysis.priority
    level = analysis.level
    blocks: list[Block] = [
        Paragraph(
            _(
                "The gap analysis sets the active offers of each life phase and field of "
                "action against the children living in each %(level)s: an area is the more "
                "urgent, the higher its need (%(indicator)s), the fewer offers it has for its "
                "children compared with the Kommune, and the more of its children live "
                "farther than %(distance)s m from a matching offer."
            )
            % {
                "level": level.name if level is not None else _("area"),
                "indicator": priority.need.indicator_name or _("no need indicator"),
                "distance": number(analysis.distance_m),
            }
        ),
        Paragraph(priority.formula_text() + ".", note=True),
    ]
    top = [entry for entry in priority.areas if entry.score is not None][:TOP_AREAS]
    if top:
        need_header = priority.need.indicator_name or _("Need indicator")
        if priority.need.unit:
            need_header += f" ({priority.need.unit})"
        blocks += [
            Heading(_("Most urgent areas")),
            Table(
                [
                    Column(_("Area")),
                    Column(_("Rank"), numeric=True),
                    Column(need_header, numeric=True),
                    Column(_("Supply gap"), numeric=True),
                    Column(_("Reach gap"), numeric=True),
                    Column(_("Priority"), numeric=True),
                    Column(_("Empty cells"), numeric=True),
                ],
                [
                    [
                        entry.area.name,
                        number(entry.rank),
                        number(entry.need_value, 1),
                        number(entry.supply_gap, 2),
                        number(entry.reach_gap, 2),
                        number(entry.score),
                        number(entry.empty_cells),
                    ]
                    for entry in top
                ],
                caption=_("The %(count)s areas with the highest priority of %(total)s")
                % {"count": len(top), "total": len(priority.areas)},
            ),
        ]
    else:
        blocks.append(
            Paragraph(
                _("No area has a priority: the Kommune has no areas, or no figures for them.")
            )
        )
    blocks.append(Heading(_("Map and charts")))
    if level is not None:
        blocks += figure_blocks(
            lambda: choropleth(
                analysis_basis(kommune),
                level,
                {entry.area.pk: entry.score for entry in priority.areas},
                measure_label=_("Priority"),
                offers_label=_("locations of all offers"),
            )
        )
    blocks += figure_blocks(lambda: coverage_heatmap(analysis.coverage))
    if priority.areas:
        blocks += figure_blocks(lambda: priority_bars(priority))
    blocks.append(
        Paragraph(
            _(
                "Children figures withheld by the small-number rule are left out of the "
                "computation, never counted as 0. The workspace's gap analysis gives every "
                "figure per area."
            ),
            note=True,
        )
    )
    return blocks


# --- indicators --------------------------------------------------------------------------


def _target_text(trend) -> str:
    if trend.target_value is None:
        return DASH
    text = number(trend.target_value, 1)
    if trend.target_met is True:
        return _("%(target)s (reached)") % {"target": text}
    if trend.target_met is False:
        return _("%(target)s (not reached)") % {"target": text}
    return text


def indicator_blocks(kommune: Kommune, year: int) -> list[Block]:
    from lueckenlos.monitoring.queries import indicator_map, indicator_trends, trend_chart

    # The report goes to the council: public indicators only, small numbers withheld.
    trends = [t for t in indicator_trends(kommune, public_only=True, suppress=True) if t.dates]
    blocks: list[Block] = [
        Paragraph(
            _(
                "The public indicators of the monitoring, each as the Kommune's value at its "
                "latest reference date, compared with the one before. Figures of few people "
                "are withheld (small-number rule) and shown as “–”."
            )
        )
    ]
    if not trends:
        blocks.append(Paragraph(_("No public indicator has values yet.")))
        return blocks
    blocks.append(
        Table(
            [
                Column(_("Indicator")),
                Column(_("Reference date"), numeric=True),
                Column(_("Value"), numeric=True),
                Column(_("Previous"), numeric=True),
                Column(_("Change per year"), numeric=True),
                Column(_("Trend")),
                Column(_("Target"), numeric=True),
            ],
            [
                [
                    f"{t.indicator.name} ({t.indicator.unit})"
                    if t.indicator.unit
                    else t.indicator.name,
                    day(t.latest_date),
                    number(t.latest, 1),
                    number(t.previous, 1),
                    signed(t.change_per_year, 2),
                    t.direction_text,
                    _target_text(t),
                ]
                for t in trends
            ],
            caption=_("Indicators of %(kommune)s") % {"kommune": kommune.name},
        )
    )
    for trend in trends:
        indicator = trend.indicator
        blocks.append(Heading(indicator.name))
        about = [indicator.description, _("Source: %(source)s") % {"source": indicator.source}]
        blocks.append(Paragraph(" ".join(part for part in about if part.strip()), note=True))
        blocks.append(Paragraph(_trend_sentence(trend)))
        if len(trend.dates) > 1:
            blocks += figure_blocks(lambda trend=trend: trend_chart(trend))
        blocks += figure_blocks(lambda indicator=indicator: indicator_map(indicator, suppress=True))
    return blocks


def _trend_sentence(trend) -> str:
    unit = trend.indicator.unit
    value = number(trend.latest, 1) + (f" {unit}" if unit else "")
    if trend.latest is None:
        return _("The Kommune's value is withheld or missing.")
    if trend.previous is None:
        return _("%(value)s on %(date)s; no earlier value to compare with.") % {
            "value": value,
            "date": day(trend.latest_date),
        }
    return _(
        "%(value)s on %(date)s, against %(previous)s on %(previous_date)s: %(change)s per "
        "year, %(direction)s."
    ) % {
        "value": value,
        "date": day(trend.latest_date),
        "previous": number(trend.previous, 1),
        "previous_date": day(trend.previous_date),
        "change": signed(trend.change_per_year, 2),
        "direction": trend.direction_text,
    }


def register_builtin_sections() -> None:
    register_section(
        Section(
            INVENTORY,
            gettext_lazy("Inventory"),
            lambda kommune, year: inventory_blocks(kommune, year),
            order=10,
            description=gettext_lazy(
                "Offers by life phase and field of action, providers, new and stale offers."
            ),
        )
    )
    register_section(
        Section(
            GAPS,
            gettext_lazy("Gap analysis"),
            gap_blocks,
            order=20,
            description=gettext_lazy("The most urgent areas, with the map and charts."),
        )
    )
    register_section(
        Section(
            INDICATORS,
            gettext_lazy("Indicators and trends"),
            indicator_blocks,
            order=30,
            description=gettext_lazy(
                "The public indicators: value, change per year, target, time series and map."
            ),
        )
    )
