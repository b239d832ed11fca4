"""Every path of a project, defined once.

A project is a folder holding ``notebooks/``, ``templates/``, ``params/``, ``data/`` and
``outputs/``. The repository root is the example project, but the same installed toolkit
serves any other folder with that layout (``brief --project DIR``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from brief.exceptions import BriefError, DataError, ProjectError, TemplateError
from brief.i18n import _
from brief.project.settings import DEFAULT_TEMPLATE, SETTINGS_FILE, Settings, load_settings

# The folders that mark a project root when `brief` looks upwards from where it runs.
MARKERS = ("params", "notebooks", "templates")


class _Inside:
    """A path named once, inside the folder an owner holds in ``attribute``."""

    def __init__(self, attribute: str, name: str):
        self.attribute, self.name = attribute, name

    def __get__(self, owner, kind=None) -> Path:
        return getattr(owner, self.attribute) / self.name


@dataclass(frozen=True)
class ProjectPaths:
    """The folders and files of one project, all derived from its root."""

    root: Path

    notebooks_dir = _Inside("root", "notebooks")
    templates_dir = _Inside("root", "templates")
    params_dir = _Inside("root", "params")
    data_dir = _Inside("root", "data")
    outputs_dir = _Inside("root", "outputs")

    settings_file = _Inside("root", SETTINGS_FILE)

    def settings(self) -> Settings:
        """Return the project's brief.yaml, checked (read anew: an advisor may edit it)."""
        return load_settings(self.root)

    @property
    def default_template(self) -> Path:
        """The template brief.yaml names (templates/brief.docx unless it says otherwise)."""
        return self.inside(self.root / self.settings().sjabloon, TemplateError)

    @property
    def areas_file(self) -> Path:
        """The areas file brief.yaml names (data/gebieden.csv unless it says otherwise)."""
        return self.inside(self.root / self.settings().gebieden, DataError)

    @property
    def area_template(self) -> Path:
        """The template of area letters: brief.yaml's sjabloon_gebied, else the default."""
        settings = self.settings()
        return self.root / (settings.sjabloon_gebied or settings.sjabloon)

    def params_file(self, year: int) -> Path:
        return self.params_dir / f"{year}.yaml"

    def year_dir(self, year: int) -> Path:
        return self.outputs_dir / str(year)

    @property
    def error_log(self) -> Path:
        """Where the CLI writes the full report of an unexpected error (a fault of brief's)."""
        return self.outputs_dir / ".brief-error.log"

    def lock_file(self, year: int) -> Path:
        """Held while a year is being built, so two builds of one year cannot mix."""
        return self.outputs_dir / f".{year}.lock"

    def lock_holder_file(self, year: int) -> Path:
        """Who holds the year's lock ("process 4711, since 10:02:13"), for the build that waits.

        A file of its own: taking the lock may empty the lock file on some platforms.
        """
        return self.outputs_dir / f".{year}.lock-holder"

    def history_dir(self, year: int) -> Path:
        """The last builds of ``year`` kept for `brief diff`, one folder each.

        Outside ``outputs/<year>``, which every build replaces as a whole.
        """
        return self.outputs_dir / ".history" / str(year)

    def staging_prefix(self, year: int) -> str:
        """Name start of the folders a build of ``year`` writes into before they are moved."""
        return f".{year}-building-"

    def relative(self, path: Path) -> str:
        """Return ``path`` as written inside the project (data/jeugd.csv), else absolute."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def inside(self, path: Path, error: type[BriefError] = ProjectError) -> Path:
        """Return ``path`` if it lies inside the project, links followed; raise if not.

        The one rule for every file brief reads (data, areas file, template): it is read only
        from inside the project folder, so a build reads the same files here as on a Dask
        worker, which receives the project folder and nothing else.
        """
        root = self.root.resolve()
        target = path.resolve()
        if target == root or root in target.parents:
            return path
        raise error(
            _(
                "{path} lies outside the project folder ({target}). brief reads only files "
                "inside the project folder {root}: copy the file into the project (for "
                "example into data/) and refer to it from there."
            ).format(path=self.relative_unresolved(path), target=target, root=root)
        )

    def check_links(self) -> None:
        """Raise ProjectError for a link in the project's input folders that points outside
        the project (see :meth:`inside`): refused here as on a Dask worker."""
        for folder in (self.data_dir, self.notebooks_dir, self.params_dir, self.templates_dir):
            if folder.is_symlink():
                self.inside(folder)
            if folder.is_dir():
                for path in folder.rglob("*"):
                    if path.is_symlink():
                        self.inside(path)

    def writable(self, path: Path) -> Path:
        """Return ``path`` (inside outputs/) if neither it nor a folder above it up to the
        project is a link; raise ProjectError naming the link if one is.

        Nothing brief writes may land outside the project through a link placed there.
        """
        root = self.root.resolve()
        relative = path.absolute().relative_to(self.root.absolute())
        current = root
        for part in relative.parts:
            current = current / part
            if current.is_symlink():
                raise ProjectError(
                    _(
                        "{path} is a link (to {target}). brief writes only into real folders "
                        "and files inside the project, so that nothing outside it can be "
                        "overwritten: remove the link (or make it a real folder), then run "
                        "brief again."
                    ).format(path=self.relative_unresolved(current), target=os.readlink(current))
                )
        return path

    def relative_unresolved(self, path: Path) -> str:
        """Return ``path`` as written inside the project, without following links."""
        for root in (self.root.absolute(), self.root.resolve()):
            try:
                return path.absolute().relative_to(root).as_posix()
            except ValueError:
                continue
        return str(path)

    def shown(self, path: Path) -> str:
        """Return ``path`` as the user reaches it from the folder brief runs in.

        Run from the project, ``outputs/2023/brief-2023.docx``; from its ``data/``,
        ``../outputs/2023/brief-2023.docx``; from outside the project, the path from there
        when the project lies below, else the absolute path. Only for printing: records keep
        paths relative to the project (``relative``).
        """
        here, target = Path.cwd().resolve(), path.resolve()
        if not (here.is_relative_to(self.root.resolve()) or target.is_relative_to(here)):
            return str(target)
        try:
            return Path(os.path.relpath(target, here)).as_posix()
        except ValueError:  # another drive (Windows)
            return str(target)

    def notebooks(self) -> list[Path]:
        """Return the chapter notebooks in the order they run and appear (01-, 02-, ...)."""
        return sorted(self.notebooks_dir.glob("[0-9]*.ipynb"))

    def years(self) -> list[int]:
        """Return the years that have a params file, oldest first."""
        return sorted(int(p.stem) for p in self.params_dir.glob("*.yaml") if p.stem.isdigit())


@dataclass(frozen=True)
class YearOutputs:
    """What one year's build writes inside ``folder`` (the final one or a staging copy)."""

    folder: Path
    year: int
    template_stem: str = Path(DEFAULT_TEMPLATE).stem

    @property
    def letter(self) -> Path:
        """The letter is named after its template: templates/brief.docx -> brief-2023.docx."""
        return self.folder / f"{self.template_stem}-{self.year}.docx"

    notebooks_dir = _Inside("folder", "notebooks")  # executed notebooks and their HTML
    figures_dir = _Inside("folder", "figuren")  # every chart as PNG, with its data
    failed_dir = _Inside("folder", "failed")  # a notebook that failed, with its error
    run_record = _Inside("folder", "run.json")  # what went into the build, for the next one
    changes = _Inside("folder", "changes.md")  # what changed since the build before
    review_page = _Inside("folder", "index.html")

    @property
    def review_letter(self) -> Path:
        """The copy of the letter with a Word comment on every filled value (--review)."""
        return self.folder / f"{self.template_stem}-{self.year}-review.docx"

    @property
    def pdf(self) -> Path:
        return self.letter.with_suffix(".pdf")

    @property
    def redline(self) -> Path:
        """The letter with every change since the build before tracked, as Word shows them."""
        return self.folder / f"{self.template_stem}-{self.year}-wijzigingen.docx"

    def redline_since(self, run: str) -> Path:
        """The letter with every change since the kept build ``run`` tracked (`brief diff`)."""
        return self.folder / f"{self.template_stem}-{self.year}-wijzigingen-sinds-{run}.docx"

    @property
    def marked_letter(self) -> Path:
        """In a kept build: the letter with every filled value marked, to track changes by."""
        return self.folder / f"{self.template_stem}-{self.year}-gemarkeerd.docx"

    def notebook_html(self, notebook: str) -> Path:
        """The HTML copy of an executed notebook, for reviewers without Jupyter."""
        return self.notebooks_dir / f"{Path(notebook).stem}.html"


def find_project(start: Path | None = None) -> ProjectPaths:
    """Return the project that holds ``start`` (default: the working folder) or its parents.

    Notebooks call this too: their kernel runs in ``notebooks/``, so the project root is
    found the same way in a build and in JupyterLab.
    """
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if all((folder / marker).is_dir() for marker in MARKERS):
            return ProjectPaths(folder)
    raise ProjectError(
        _(
            "No brief project found in {folder} or the folders above it. A project folder "
            "holds params/, notebooks/ and templates/. Run brief inside one, or pass "
            "--project DIR."
        ).format(folder=start)
    )


def open_project(root: Path) -> ProjectPaths:
    """Return the project at ``root``, checking it has the folders a build needs."""
    root = root.resolve()
    missing = [m for m in MARKERS if not (root / m).is_dir()]
    if missing:
        raise ProjectError(
            _(
                "{folder} is not a brief project: it has no {folders} folder. Pass --project "
                "with the folder that holds params/, notebooks/ and templates/."
            ).format(folder=root, folders=", ".join(m + "/" for m in missing))
        )
    return ProjectPaths(root)
