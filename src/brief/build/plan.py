"""Decide what a rebuild must redo, from the last build's run record.

A notebook reruns only when something it depends on changed: its own source, the
parameters papermill gives it, a data file it read (the notebook recorded which), or
brief and the libraries it runs with. The letter is reassembled when a notebook reran,
the template or the params file changed, or an asked-for output is missing. Nothing
changed: nothing is done. Notebooks never read the template or the params file (they get
only the year), so editing either refills the letter in a second without rerunning them.

Light imports only: this runs before anything heavy is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from brief.build.fingerprint import toolkit_fingerprint
from brief.files import file_hash, known_hash, maybe_hash
from brief.i18n import _, current_language
from brief.project.paths import ProjectPaths, YearOutputs
from brief.records import FileFingerprint, Inputs, RunRecord, files_changed


@dataclass(frozen=True)
class NotebookPlan:
    """One notebook in a build: rerun (with the reason) or reuse its last result."""

    source: Path
    reason: str | None  # why it runs; None when its last result is reused

    @property
    def reruns(self) -> bool:
        return self.reason is not None


@dataclass(frozen=True)
class BuildPlan:
    """What a build of one year will do, and the inputs it was decided on."""

    notebooks: list[NotebookPlan]
    letter_reason: str | None  # why the letter is written again; None when it is up to date
    inputs: Inputs
    previous: RunRecord | None  # the last build's run record

    @property
    def nothing_to_do(self) -> bool:
        return self.letter_reason is None and not any(n.reruns for n in self.notebooks)


def notebook_parameters(year: int) -> dict:
    """Return the parameters papermill injects into every notebook for ``year``."""
    return {"year": year}


def current_inputs(
    project: ProjectPaths,
    year: int,
    template: Path,
    notebooks: list[Path],
    parameters: dict | None = None,
) -> Inputs:
    """Return the fingerprints of this build's inputs, as the run record stores them.

    ``parameters`` are what papermill gives the notebooks (a letter of a grid passes its
    area too); by default, the year's.
    """
    params_file = project.params_file(year)
    return Inputs(
        parameters=parameters or notebook_parameters(year),
        template=FileFingerprint(path=project.relative(template), sha256=maybe_hash(template)),
        params=FileFingerprint(path=project.relative(params_file), sha256=maybe_hash(params_file)),
        toolkit=toolkit_fingerprint(),
        notebooks={source.name: file_hash(source) for source in notebooks},
        language=current_language(),
    )


def make_plan(
    project: ProjectPaths,
    outputs: YearOutputs,
    template: Path,
    notebooks: list[Path],
    *,
    force: bool = False,
    review: bool = False,
    pdf: bool = False,
    parameters: dict | None = None,
) -> BuildPlan:
    """Return what a build of ``outputs.year`` must redo, compared with the last build."""
    inputs = current_inputs(project, outputs.year, template, notebooks, parameters)
    previous = RunRecord.read(outputs.run_record)
    plans = [
        NotebookPlan(source, _notebook_reason(project, outputs, source, inputs, previous, force))
        for source in notebooks
    ]
    letter_reason = _letter_reason(project, outputs, inputs, previous, plans, force, review, pdf)
    return BuildPlan(plans, letter_reason, inputs, previous)


def _notebook_reason(
    project: ProjectPaths,
    outputs: YearOutputs,
    source: Path,
    inputs: Inputs,
    previous: RunRecord | None,
    force: bool,
) -> str | None:
    if force:
        return "--force"
    if previous is None:
        return _without_record(project, outputs)
    earlier = previous.notebooks.get(source.name)
    if earlier is None or not (outputs.notebooks_dir / source.name).is_file():
        return _("no earlier result")
    if earlier.sha256 != inputs.notebooks[source.name]:
        return _("the notebook changed")
    if previous.parameters != inputs.parameters:
        return _("its parameters changed")
    if previous.toolkit != inputs.toolkit:
        return _("brief or a library it uses changed")
    reads = earlier.reads.items()
    changed = [path for path, read in reads if known_hash(project.root / path) != read.sha256]
    replaced = [_replacement(project, path) for path in sorted(changed)]
    if any(replaced):
        # TRANSLATORS: why a notebook reruns: a data file was replaced by one of another
        # kind; {before} is "data/ouderen.csv", {after} "data/ouderen.xlsx"
        said = [
            _("{before} was replaced by {after}").format(before=path, after=new)
            for path, new in zip(sorted(changed), replaced, strict=True)
            if new
        ]
        rest = [path for path, new in zip(sorted(changed), replaced, strict=True) if not new]
        return "; ".join([*said, *([files_changed(rest)] if rest else [])])
    if changed:
        return files_changed(sorted(changed))
    return None


def _replacement(project: ProjectPaths, path: str) -> str | None:
    """Return the file that now stands where ``path`` was (data/x.xlsx for a removed
    data/x.csv), or None when ``path`` is still there or nothing replaced it."""
    old = project.root / path
    if old.exists():
        return None
    # Imported only now: brief.notebook.data imports pandas, half a second that a build whose data
    # file changed would wait for before it starts its kernels.
    from brief.notebook.data import SUFFIXES

    for suffix in SUFFIXES:
        new = old.with_suffix(suffix)
        if new != old and new.is_file():
            return project.relative(new)
    return None


def _without_record(project: ProjectPaths, outputs: YearOutputs) -> str:
    """Return why everything is built when there is no last build's record to compare with:
    there was no build yet, or its record cannot be read."""
    if not outputs.run_record.exists():
        return _("first build")
    # TRANSLATORS: why a build runs every notebook: {file} is the last build's record
    # (outputs/2024/run.json), damaged or written by another version of brief
    return _("{file} cannot be read").format(file=project.relative(outputs.run_record))


def _letter_reason(
    project: ProjectPaths,
    outputs: YearOutputs,
    inputs: Inputs,
    previous: RunRecord | None,
    plans: list[NotebookPlan],
    force: bool,
    review: bool,
    pdf: bool,
) -> str | None:
    if force:
        return "--force"
    if previous is None:
        return _without_record(project, outputs)
    if any(plan.reruns for plan in plans):
        return _("notebooks reran")
    if set(previous.notebooks) != set(inputs.notebooks):
        return _("notebooks were added or removed")
    if previous.params.sha256 != inputs.params.sha256:
        return files_changed([inputs.params.path])
    if previous.template.sha256 != inputs.template.sha256:
        return _("the template changed")
    if previous.template.path != inputs.template.path:
        return _("another template was asked for")
    if not outputs.letter.is_file():
        return _("the letter is missing")
    if previous.language != inputs.language:  # the review page and changes.md are rewritten
        # TRANSLATORS: {before} and {after} are language codes: "nl", "en".
        return _("the messages' language changed ({before} → {after})").format(
            before=previous.language, after=inputs.language
        )
    if review and not outputs.review_letter.is_file():
        return _("a review copy was asked for")
    if pdf and not outputs.pdf.is_file():
        return _("a PDF was asked for")
    return None
