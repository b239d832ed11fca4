"""The one hierarchy of errors that `brief` raises for a user to act on.

Library code raises these; only `cli.py` turns them into a message and an exit code.
Every message says what is wrong and what to do about it, in plain words.
"""

from brief.i18n import _


def did_you_mean(name: str) -> str:
    """Return the hint after a name brief does not know: "Did you mean 'kenmerk'?"."""
    return _("Did you mean '{name}'?").format(name=name)


class BriefError(Exception):
    """Base class: a problem the user can fix (input, configuration, template)."""


class ProjectError(BriefError):
    """The project folder is missing something `brief` needs (params, template, notebooks)."""


class ParamsError(BriefError):
    """A params/<year>.yaml file is missing or does not match the schema."""


class DataError(BriefError):
    """A data file cannot be read or holds values that are not allowed."""


class PublishError(BriefError):
    """A notebook published something that cannot go into the letter."""


class NotebookError(BriefError):
    """A notebook failed while it ran for a year."""

    def __init__(self, message: str, *, notebook: str, cell: int | None = None):
        super().__init__(message)
        self.notebook = notebook
        self.cell = cell

    def __reduce__(self):  # errors cross processes (Dask workers) as pickles
        return _notebook_error, (str(self), self.notebook, self.cell)


def _notebook_error(message: str, notebook: str, cell: int | None) -> NotebookError:
    """Rebuild a pickled NotebookError (pickle passes positional arguments only)."""
    return NotebookError(message, notebook=notebook, cell=cell)


class KernelMissingError(NotebookError):
    """The environment has no kernel to run notebooks with: every notebook would fail the
    same way, so it is said once."""

    def __reduce__(self):
        return _kernel_missing, (str(self), self.notebook)


def _kernel_missing(message: str, notebook: str) -> KernelMissingError:
    return KernelMissingError(message, notebook=notebook)


class ClusterError(BriefError):
    """A Dask cluster cannot run a grid's notebooks: unreachable, no worker, or a worker
    whose packages or data differ from the coordinating machine's."""


class TemplateError(BriefError):
    """The Word template is unreadable or uses names that have no value."""


class FilterError(TemplateError):
    """A template filter got a value it cannot print (``{{ onderwerp|getal }}``)."""

    def __init__(self, filter_name: str, value: object, reason: str):
        super().__init__(
            # TRANSLATORS: {reason} is the filter's own explanation; |{filter_name} is its name.
            _(
                "The filter '{filter_name}' cannot print '{value}': {reason}. Use "
                "|{filter_name} only on a value it can print, or remove it."
            ).format(filter_name=filter_name, value=value, reason=reason)
        )
        self.filter_name, self.value, self.reason = filter_name, value, reason

    def __reduce__(self):  # errors cross processes (Dask workers) as pickles
        return type(self), (self.filter_name, self.value, self.reason)


class BlockMisused(TemplateError):
    """A figure or table used as text: through a filter, or joined to other text."""

    def __init__(self, name: str):
        super().__init__(
            _(
                "'{name}' is a figure or table: it can only be placed in a paragraph of its "
                "own, written {{{{p {name} }}}}, without filters or other text."
            ).format(name=name)
        )
        self.name = name

    def __reduce__(self):  # errors cross processes (Dask workers) as pickles
        return type(self), (self.name,)
