"""What a Word template may touch, and how much work it may do.

A template is an Office file people e-mail to each other, so it is untrusted input. Two
rules keep it harmless:

- **It sees only inert data.** The context is built from an allow-list of types
  (:data:`INERT_LEAVES`, lists and mappings of them, and brief's own markers whose public
  attributes are such data); anything else is refused by :func:`inert`, before filling.
  A template can call only what is documented: Jinja's ``range``, ``dict`` and
  ``namespace``, its macros and loop helpers, the filters and tests, and the plain methods
  of text, numbers, dates, lists and mappings.
- **It cannot run away.** ``**``, ``*``, ``+``, ``%`` and ``~`` refuse results that would be
  larger than :data:`MAX_TEXT` characters, :data:`MAX_ITEMS` items or
  :data:`MAX_INT_BITS` bits; filters that widen or repeat text are capped; what the tags
  print is capped at :data:`MAX_OUTPUT` characters; and filling stops after a time limit
  (brief.yaml's ``bouwen: {vul_timeout: ...}``) or :data:`MAX_STEPS` steps of template
  code, naming the tag it was working on.

Jinja's sandbox (``ImmutableSandboxedEnvironment``) already refuses ``_`` attributes and
methods that change values; this module adds the rest.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import re
import string
import sys
import time
import types
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from jinja2.compiler import CodeGenerator
from jinja2.runtime import LoopContext, Macro, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from jinja2.utils import Namespace

from brief.i18n import _, current_language
from brief.project.settings import DEFAULT_FILL_SECONDS
from brief.records import Gap

MAX_TEXT = 1_000_000  # characters in one text a tag computes
MAX_ITEMS = 100_000  # items in one list a tag computes (as Jinja's own range())
MAX_INT_BITS = 10_000  # about 3,000 digits: more than any letter needs
MAX_WIDTH = 1_000  # a width, indent or number of digits a filter or format is asked for
MAX_OUTPUT = 50_000_000  # characters one fill prints in all: text, tags, figures, tables
MAX_STEPS = 20_000_000  # lines of template code one fill may run (a letter needs thousands)

# Values a template may hold as they are: none of them can reach the machine.
INERT_LEAVES: tuple[type, ...] = (
    type(None),
    bool,
    int,
    float,
    str,
    dt.date,
    dt.datetime,
    dt.time,
)
# The globals a template may call besides its filters and tests (Jinja's lipsum, cycler
# and joiner are left out: nothing in a letter needs them).
GLOBALS = ("range", "dict", "namespace")


class Inert:
    """Base of brief's own objects in a template context: their public attributes are inert
    data, and they have no public method. What only brief may use is behind an underscore,
    which the sandbox never lets a template reach."""

    __slots__ = ()


def inert(value, where: str = "context"):
    """Return ``value`` if it is inert data (tuples made lists); raise TypeError if not.

    A guard on brief's own code: the context is built from validated records, so a value
    that fails here is brief's mistake, never the template's.
    """
    if type(value) in INERT_LEAVES:  # the types themselves: a subclass may add methods
        return value
    if isinstance(value, list | tuple):
        return [inert(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        return {
            _inert_key(key, where): inert(item, f"{where}[{key!r}]") for key, item in value.items()
        }
    if isinstance(value, Inert | Gap):  # brief's markers, and a figure an area lacks
        for name in public_names(value):
            attribute = getattr(value, name)
            if callable(attribute):
                raise TypeError(f"{where}.{name} is callable ({type(attribute).__name__})")
            inert(attribute, f"{where}.{name}")
        return value
    raise TypeError(f"{where} is a {type(value).__module__}.{type(value).__name__}, not inert")


def _inert_key(key, where: str):
    if not isinstance(key, str | int):
        raise TypeError(f"{where} has a key of type {type(key).__name__}")
    return key


def public_names(value) -> list[str]:
    """Return the attributes of ``value`` a template can reach: those without an underscore."""
    return [name for name in dir(value) if not name.startswith("_")]


# --- Limits -----------------------------------------------------------------------------


class LimitError(SecurityError):
    """A tag would do more work, or make a larger text, than any letter needs."""


@dataclass
class _Budget:
    """What one fill may still spend; see :func:`limits`."""

    deadline: float
    seconds: float
    printed: int = 0
    steps: int = 0
    watched: dict = field(default_factory=dict)


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("budget", default=None)


@contextlib.contextmanager
def limits(seconds: float = DEFAULT_FILL_SECONDS) -> Iterator[None]:
    """Stop the template code run inside this block after ``seconds`` or MAX_STEPS steps.

    Only frames of template code (``<template>``) are traced, so the cost is a check per
    line of template code; a loop with an empty body is caught as surely as a slow filter.
    """
    budget = _Budget(deadline=time.monotonic() + seconds, seconds=seconds)
    token = _BUDGET.set(budget)

    def local(frame, event, arg):
        budget.steps += 1
        if budget.steps > MAX_STEPS:
            raise LimitError(
                _(
                    "the template runs more than {steps} steps; it has a loop without end or "
                    "loops inside loops over long lists"
                ).format(steps=_count(MAX_STEPS))
            )
        if budget.steps % 256 == 0 and time.monotonic() > budget.deadline:
            raise LimitError(
                _(
                    "filling the template took longer than {seconds} seconds (brief.yaml: "
                    "bouwen: vul_timeout)"
                ).format(seconds=f"{budget.seconds:g}")
            )
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename == "<template>" else None

    previous = sys.gettrace()
    sys.settrace(calls)
    try:
        yield
    finally:
        sys.settrace(previous)
        _BUDGET.reset(token)


def count_printed(text: str) -> None:
    """Add what a tag printed to the fill's total; raise LimitError past MAX_OUTPUT."""
    budget = _BUDGET.get()
    if budget is None:
        return
    budget.printed += len(text)
    if budget.printed > MAX_OUTPUT:
        raise LimitError(
            _("the tags print more than {count} characters in all; a letter needs far less").format(
                count=_count(MAX_OUTPUT)
            )
        )


def _count(number: int) -> str:
    """Return a whole number with thousands separators, as the language writes them."""
    from babel.numbers import format_decimal

    return format_decimal(number, "#,##0", locale=current_language())


def _too_long(kind: str, size: int, limit: int) -> LimitError:
    return LimitError(
        _("this tag would make a {kind} of {size} (at most {limit} are allowed)").format(
            kind=kind, size=_count(size), limit=_count(limit)
        )
    )


def _sized(value):
    """Return ``value`` if it is within the limits of one computed value; raise if not."""
    if isinstance(value, str) and len(value) > MAX_TEXT:
        raise _too_long(_("text"), len(value), MAX_TEXT)
    if isinstance(value, list | tuple) and len(value) > MAX_ITEMS:
        raise _too_long(_("list"), len(value), MAX_ITEMS)
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise _too_long(_("number"), value.bit_length(), MAX_INT_BITS)
    return value


def _length(value) -> int | None:
    return len(value) if isinstance(value, str | list | tuple) else None


def _whole(value) -> int | None:
    return int(value) if isinstance(value, int) else None


def _check_power(left, right) -> None:
    base, exponent = _whole(left), _whole(right)
    if base is None or exponent is None or exponent < 0 or abs(base) < 2:
        return
    if exponent * abs(base).bit_length() > MAX_INT_BITS:
        raise _too_long(_("number"), exponent * abs(base).bit_length(), MAX_INT_BITS)


def _check_product(left, right) -> None:
    for sequence, times in ((left, right), (right, left)):
        length, count = _length(sequence), _whole(times)
        if length is not None and count is not None and length * count > MAX_TEXT:
            raise _too_long(_("text or list"), length * count, MAX_TEXT)
    a, b = _whole(left), _whole(right)
    if a is not None and b is not None and a.bit_length() + b.bit_length() > MAX_INT_BITS:
        raise _too_long(_("number"), a.bit_length() + b.bit_length(), MAX_INT_BITS)


def _check_sum(left, right) -> None:
    a, b = _length(left), _length(right)
    if a is not None and b is not None and a + b > MAX_TEXT:
        raise _too_long(_("text or list"), a + b, MAX_TEXT)


# printf-style fields: %(name)-10.3f; a * width comes from the arguments, so it is refused.
_PERCENT_FIELD = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d+))?")
_SPEC_NUMBER = re.compile(r"\d+")


def check_format(template_text: str) -> None:
    """Raise LimitError if a printf or str.format pattern asks for a width beyond MAX_WIDTH."""
    for width, precision in _PERCENT_FIELD.findall(template_text.replace("%%", "")):
        for number in (width, precision):
            if number == "*" or (number and int(number) > MAX_WIDTH):
                raise _too_long(_("width"), int(number) if number != "*" else 0, MAX_WIDTH)
    try:
        fields = list(string.Formatter().parse(template_text))
    except ValueError:
        return  # not a str.format pattern; Python says so itself when it is used as one
    for _literal, _name, spec, _conversion in fields:
        if spec and ("{" in spec or any(int(n) > MAX_WIDTH for n in _SPEC_NUMBER.findall(spec))):
            raise _too_long(_("width"), max(map(int, _SPEC_NUMBER.findall(spec) or [0])), MAX_WIDTH)


def _check_percent(left, right) -> None:
    if isinstance(left, str):
        check_format(left)


_BINOP_CHECKS = {
    "**": _check_power,
    "*": _check_product,
    "+": _check_sum,
    "%": _check_percent,
}


# Filters whose arguments widen or repeat their output, and the check for each.
def _widths(*positions: int, names: tuple[str, ...] = (), limit: int = MAX_WIDTH):
    def check(value, args, kwargs) -> None:
        given = [args[p - 1] for p in positions if len(args) >= p] + [
            kwargs[n] for n in names if n in kwargs
        ]
        for number in given:
            if isinstance(number, int) and abs(number) > limit:
                raise _too_long(_("width"), abs(number), limit)

    return check


def _check_replace(value, args, kwargs) -> None:
    if len(args) < 2 or not isinstance(value, str):
        return
    old, new = str(args[0]), str(args[1])
    count = value.count(old) if old else len(value) + 1
    if len(value) + count * (len(new) - len(old)) > MAX_TEXT:
        raise _too_long(_("text"), len(value) + count * (len(new) - len(old)), MAX_TEXT)


def _check_join(value, args, kwargs) -> None:
    separator = args[0] if args else kwargs.get("d", "")
    items = _length(value)
    if isinstance(separator, str) and items and len(separator) * items > MAX_TEXT:
        raise _too_long(_("text"), len(separator) * items, MAX_TEXT)


def _check_indent(value, args, kwargs) -> None:
    _widths(1, names=("width",))(value, args, kwargs)
    width = args[0] if args else kwargs.get("width", 4)
    lines = value.count("\n") + 1 if isinstance(value, str) else 0
    size = len(width) if isinstance(width, str) else width if isinstance(width, int) else 0
    if lines * size > MAX_TEXT:
        raise _too_long(_("text"), lines * size, MAX_TEXT)


_FILTER_CHECKS = {
    "center": _widths(1, names=("width",), limit=MAX_TEXT),
    "indent": _check_indent,
    "wordwrap": _widths(1, names=("width",), limit=MAX_TEXT),
    "truncate": _widths(1, 3, names=("length", "leeway"), limit=MAX_TEXT),
    "batch": _widths(1, names=("linecount",), limit=MAX_ITEMS),
    "slice": _widths(1, names=("slices",), limit=MAX_ITEMS),
    "tojson": _widths(1, names=("indent",)),
    "replace": _check_replace,
    "join": _check_join,
    "format": lambda value, args, kwargs: check_format(value) if isinstance(value, str) else None,
    # brief's own: the number of decimals
    "decimaal": _widths(1, names=("digits",), limit=20),
    "procent": _widths(1, names=("digits",), limit=20),
}


def limited_filter(name: str, function):
    """Return ``function`` with its arguments checked and its result size checked."""
    check = _FILTER_CHECKS.get(name)

    @functools.wraps(function)
    def limited(*args, **kwargs):
        # Jinja passes the environment, context or eval context first to some filters.
        offset = 1 if getattr(function, "jinja_pass_arg", None) else 0
        value, rest = (args[offset], args[offset + 1 :]) if len(args) > offset else (None, ())
        if check is not None:
            check(value, rest, kwargs)
        return _sized(function(*args, **kwargs))

    return limited


class _LimitedCode(CodeGenerator):
    """Jinja's code generator with two more checks at run time.

    - ``a ~ b`` is checked like ``a + b``: the ``~`` operator cannot be intercepted like
      the others, so its result goes through ``_sized``.
    - Text that Jinja works out while compiling (the template's own text, and tags whose
      value is known then, such as ``{{ 'x'|center(999) }}``) is counted each time it is
      printed, as the values printed at run time are: a loop cannot repeat it unseen.
    """

    def visit_Concat(self, node, frame) -> None:
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")

    def _output_const_repr(self, group) -> str:
        return f"environment.counted({super()._output_const_repr(group)})"


def _callable_by_template(environment: LetterSandbox, function) -> bool:
    """Whether a template may call ``function``: see the module's docstring."""
    if isinstance(function, Macro | LoopContext | Undefined):
        return True  # an undefined name raises its own error: "'x' is undefined"
    if any(function is environment.globals.get(name) for name in GLOBALS):
        return True
    target = getattr(function, "__wrapped__", function)  # str.format, wrapped by the sandbox
    if isinstance(target, types.MethodType | types.BuiltinMethodType):
        owner = target.__self__
        return isinstance(owner, INERT_LEAVES + (list, tuple, dict, LoopContext, Namespace))
    return False


class LetterSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with brief's limits (see the module's docstring)."""

    code_generator_class = _LimitedCode
    intercepted_binops = frozenset(_BINOP_CHECKS)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in set(self.globals) - set(GLOBALS):
            del self.globals[name]

    def sized(self, value):
        return _sized(value)

    def counted(self, text: str) -> str:
        count_printed(text)
        return text

    def call_binop(self, context, operator: str, left, right):
        _BINOP_CHECKS[operator](left, right)
        return _sized(super().call_binop(context, operator, left, right))

    def call(__self, __context, __obj, *args, **kwargs):  # noqa: N805 (Jinja's own signature)
        if not _callable_by_template(__self, __obj):
            raise SecurityError(
                _("a letter template cannot call {name}").format(
                    name=getattr(__obj, "__name__", type(__obj).__name__)
                )
            )
        _check_method_call(__obj, args, kwargs)
        return _sized(super().call(__context, __obj, *args, **kwargs))


def _check_method_call(function, args: tuple, kwargs: dict) -> None:
    """Raise LimitError if a method of a text or number is asked for a huge result:
    ``'x'.ljust(10**10)``, ``(5).to_bytes(10**10)``, ``'a'.replace('a', long_text)``."""
    target = getattr(function, "__wrapped__", function)
    owner, name = getattr(target, "__self__", None), getattr(target, "__name__", "")
    if not isinstance(owner, str | int):
        return
    for number in (*args, *kwargs.values()):
        if isinstance(number, int) and abs(number) > MAX_TEXT:
            raise _too_long(_("width"), abs(number), MAX_TEXT)
    if not isinstance(owner, str):
        return
    if name in ("format", "format_map"):
        check_format(owner)
    elif name == "replace":
        _check_replace(owner, args, kwargs)
    elif name == "join" and args:
        _check_join(args[0], (owner,), {})
    elif name == "expandtabs":
        size = args[0] if args else kwargs.get("tabsize", 8)
        if isinstance(size, int) and owner.count("\t") * size > MAX_TEXT:
            raise _too_long(_("text"), owner.count("\t") * size, MAX_TEXT)
