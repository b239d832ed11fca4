"""One letter of a grid: its key (year, area), folder, lock, staging name and parameters.

The city letter of a year is ``Letter(2024)``: it lives where it always has,
``outputs/2024/``, locked by ``outputs/.2024.lock``. An area's letter is
``Letter(2024, "Oud Zuid")``: ``outputs/gebied/oud-zuid/2024/``, with its own lock and
staging folders beside it, so letters of one grid never share a folder or a lock and a
killed build of one letter cannot touch another. Light imports only.

Notebooks get the area as a parameter beside the year; the city letter gets the label of
city-wide rows (brief.yaml's ``stad``), so a notebook reads the same rows either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from brief.project.areas import slug
from brief.project.paths import ProjectPaths, YearOutputs
from brief.project.settings import Settings

AREAS_FOLDER = "gebied"  # outputs/gebied/<slug>/<year>/


@dataclass(frozen=True)
class LetterOutputs(YearOutputs):
    """The files of an area's letter: named after the area too (brief-2024-oud-zuid.docx),
    so two letters mailed side by side never have the same name."""

    area_slug: str = ""

    @property
    def letter(self) -> Path:
        return self.folder / f"{self.template_stem}-{self.year}-{self.area_slug}.docx"

    @property
    def review_letter(self) -> Path:
        return self.folder / f"{self.template_stem}-{self.year}-{self.area_slug}-review.docx"


@dataclass(frozen=True)
class Letter:
    """The key of one letter: a year, and an area (None: the city letter)."""

    year: int
    area: str | None = None

    @property
    def sort_key(self) -> tuple:
        """The city letter first, then the areas in alphabetical order, per year."""
        return (self.year, self.area is not None, self.area or "")

    @property
    def is_city(self) -> bool:
        return self.area is None

    @property
    def label(self) -> str:
        """How messages name it: '2024' for the city letter, '2024 Oud Zuid' for an area."""
        return str(self.year) if self.is_city else f"{self.year} {self.area}"

    @property
    def slug(self) -> str | None:
        return None if self.area is None else slug(self.area)

    def parameters(self, city: str) -> dict[str, int | str]:
        """What papermill gives each notebook: the year, and the area (``city`` for the
        city letter: the label of city-wide rows)."""
        return {"year": self.year, "area": self.area or city}

    def template(self, project: ProjectPaths) -> Path:
        """Return the template it is filled from: an area's letter may have its own."""
        return project.default_template if self.area is None else project.area_template

    def fill_options(self, settings: Settings) -> dict:
        """How this letter's template is filled: its area (the city's label for the city
        letter), the text of a gap, and the time filling may take
        (brief.letter.fill.fill_letter)."""
        return {
            "area": self.area or settings.stad,
            "gap_text": settings.geen_gegevens,
            "time_limit": settings.bouwen.vul_timeout,
        }

    def folder(self, project: ProjectPaths) -> Path:
        if self.area is None:
            return project.year_dir(self.year)
        return area_dir(project, self.area) / str(self.year)

    def outputs(self, project: ProjectPaths, template_stem: str) -> YearOutputs:
        """Return the letter's final outputs, as a build of it writes them."""
        if self.area is None:
            return YearOutputs(self.folder(project), self.year, template_stem)
        return LetterOutputs(self.folder(project), self.year, template_stem, self.slug)

    def lock_file(self, project: ProjectPaths) -> Path:
        if self.area is None:
            return project.lock_file(self.year)
        return self.folder(project).with_name(f".{self.year}.lock")

    def lock_holder_file(self, project: ProjectPaths) -> Path:
        if self.area is None:
            return project.lock_holder_file(self.year)
        return self.folder(project).with_name(f".{self.year}.lock-holder")

    def staging_prefix(self, project: ProjectPaths) -> str:
        """Name start of its staging folders, which sit beside its final folder."""
        return project.staging_prefix(self.year)


def area_dir(project: ProjectPaths, area: str) -> Path:
    """Return outputs/gebied/<slug>/, which holds an area's letters, one folder a year."""
    return project.outputs_dir / AREAS_FOLDER / slug(area)


def grid_summary_file(project: ProjectPaths, year: int) -> Path:
    """outputs/grid-<year>.json: which letters of the year's grid were built, reused or
    failed, and why (see :class:`brief.build.grid.GridSummary`)."""
    return project.outputs_dir / f"grid-{year}.json"


def grid_page_file(project: ProjectPaths, year: int) -> Path:
    """outputs/grid-<year>.html: the grid's review page, linking every letter."""
    return project.outputs_dir / f"grid-{year}.html"


def grid_lock_file(project: ProjectPaths, year: int) -> Path:
    """Held while a grid of ``year`` is built, so two grids never write one summary."""
    return project.outputs_dir / f".grid-{year}.lock"
