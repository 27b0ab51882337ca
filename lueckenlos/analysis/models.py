"""What the gap analysis stores: a Kommune's population grid, and a counter for its cache.

Everything else the analysis shows is computed from the catalogue, the areas, their
population and indicators (see coverage.py, reach.py, priority.py, transitions.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from lueckenlos.areas.models import Area, Kommune

# The census grid is laid out in ETRS89-LAEA (EPSG:3035), metres.
GRID_EPSG = 3035


class PopulationGrid(models.Model):
    """Which population grid a Kommune has imported (one at a time; a new import replaces it)."""

    kommune = models.OneToOneField(
        Kommune,
        verbose_name=_("Kommune"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="population_grid",
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    cell_size_m = models.PositiveIntegerField(_("cell size in metres"), default=100)
    cells = models.PositiveIntegerField(_("cells"), default=0)
    inhabitants = models.PositiveIntegerField(_("inhabitants"), default=0)
    withheld_cells = models.PositiveIntegerField(_("cells with a withheld count"), default=0)
    imported_at = models.DateTimeField(_("imported"), auto_now=True)

    class Meta:
        verbose_name = _("population grid")
        verbose_name_plural = _("population grids")

    def __str__(self) -> str:
        return f"{self.kommune}: {self.cells}"


class GridCell(models.Model):
    """One cell of the census grid (Zensus 2022, 100 m): inhabitants at a point.

    Only totals: the census grid counts no age groups. The analysis gives a cell's children
    the age shares of the area it lies in (see lueckenlos.analysis.population). A count the
    census office withheld is stored as missing, never as 0.
    """

    id = models.BigAutoField(primary_key=True)
    kommune = models.ForeignKey(
        Kommune, verbose_name=_("Kommune"), on_delete=models.CASCADE, related_name="+"
    )
    cell_id = models.CharField(_("cell"), max_length=40)
    # The cell's centre in EPSG:3035, metres.
    x = models.IntegerField(_("east (m)"))
    y = models.IntegerField(_("north (m)"))
    inhabitants = models.PositiveIntegerField(_("inhabitants"), null=True, blank=True)
    missing_reason = models.CharField(_("reason for a missing value"), max_length=100, blank=True)
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The smallest area containing the cell's centre."),
    )

    class Meta:
        verbose_name = _("grid cell")
        verbose_name_plural = _("grid cells")
        constraints = [
            models.UniqueConstraint(fields=["kommune", "cell_id"], name="unique_grid_cell")
        ]

    def __str__(self) -> str:
        return self.cell_id


class AnalysisGeneration(models.Model):
    """How many times what a Kommune's analysis is computed from has changed.

    Counted up by signals (lueckenlos.analysis.signals) and by the grid import; cached
    results carry the number they were computed with (lueckenlos.analysis.cache).
    """

    kommune = models.OneToOneField(
        Kommune, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kommune_id}: {self.generation}"
