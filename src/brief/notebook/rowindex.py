"""The index a table of brief.load_data gets for finding figures fast.

A notebook asks for one figure at a time, and a national table has a million rows: each
question filtering the whole table would cost tens of milliseconds, and a letter asks
hundreds. So a table brief.load_data read gets an index once, on the first question: its
rows ordered by indicator, kind and area, found by binary search. The rows it gives are
those the filter gives, in the table's order. It is kept for the table's key columns (not
in attrs, which pandas copies to every selection): Arrow's arrays never change, so every
table that holds the same ones (a copy of a table, the tables a forking process hands
its kernels) shares it, and a notebook that changes a cell of them gets a new one. A table
joined with pd.concat from tables that have one is found through theirs, without sorting
its rows again.
"""

from __future__ import annotations

import math
import weakref

import numpy as np
import pandas as pd

_KEY = ("indicator", "kind", "area")


class Lookup:
    """The positions of a table's rows, by indicator, kind and area."""

    def __init__(self, arrays: tuple) -> None:
        import pyarrow.compute as pc

        encoded = [pc.dictionary_encode(array).combine_chunks() for array in arrays]
        self._name(arrays, [column.dictionary.to_pylist() for column in encoded])
        key = np.zeros(len(arrays[0]), dtype=np.int64)
        unknown = np.zeros(len(arrays[0]), dtype=bool)
        for column, size in zip(encoded, self.sizes, strict=True):
            codes = column.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            unknown |= codes < 0  # an empty cell: no name finds it, as no filter does
            key = key * size + codes
        key[unknown] = -1
        self.order = np.argsort(key, kind="stable")  # stable: a table's order within a key
        self.keys = key[self.order]

    @classmethod
    def kept(cls, arrays: tuple, order: np.ndarray, keys: np.ndarray, names: list) -> Lookup:
        """Return the index kept with a checked table (see :func:`kept_index`)."""
        made = cls.__new__(cls)
        made._name(arrays, names)
        made.order, made.keys = order, keys
        return made

    def _name(self, arrays: tuple, names: list) -> None:
        """Remember the key columns and the names each one's numbers stand for."""
        # The columns it was made from, to see they are the same; not kept alive by it.
        self.arrays = tuple(weakref.ref(array) for array in arrays)
        self.codes: list[dict[str, int]] = [
            {name: code for code, name in enumerate(column)} for column in names
        ]
        self.sizes = [len(codes) for codes in self.codes]
        # One number per key must fit in 64 bits: it always does for a table that fits in memory.
        self.usable = math.prod(max(size, 1) for size in self.sizes) < 2**62

    def positions(self, indicator, kind, area) -> np.ndarray:
        """Return the positions of the rows of this indicator, kind and area, in order."""
        codes = [
            names.get(name) for names, name in zip(self.codes, (indicator, kind, area), strict=True)
        ]
        if None in codes:
            return self.order[:0]
        key = (codes[0] * self.sizes[1] + codes[1]) * self.sizes[2] + codes[2]
        return self._between(key, key + 1)

    def of_indicators(self, indicators) -> np.ndarray:
        """Return the positions of the rows of any of ``indicators``, in order."""
        width = self.sizes[1] * self.sizes[2]
        found = [
            self._between(code * width, (code + 1) * width)
            for name in dict.fromkeys(indicators)
            if (code := self.codes[0].get(name)) is not None
        ]
        return np.sort(np.concatenate(found)) if found else self.order[:0]

    def _between(self, low: int, high: int) -> np.ndarray:
        start, stop = np.searchsorted(self.keys, [low, high])
        return self.order[start:stop]


class Joined:
    """The index of tables joined one after the other (pd.concat): each part's own.

    A part's rows of a key are in order and the parts follow each other, so the rows of
    the joined table are each part's, moved by the rows before it, one part after another.
    """

    def __init__(self, arrays: tuple, parts: list[tuple[int, Lookup]]) -> None:
        self.arrays = tuple(weakref.ref(array) for array in arrays)
        self.parts = parts  # (the position of the part's first row, its index)
        self.usable = all(lookup.usable for _start, lookup in parts)

    def positions(self, indicator, kind, area) -> np.ndarray:
        return self._joined(lambda lookup: lookup.positions(indicator, kind, area))

    def of_indicators(self, indicators) -> np.ndarray:
        return self._joined(lambda lookup: lookup.of_indicators(indicators))

    def _joined(self, found) -> np.ndarray:
        return np.concatenate([found(lookup) + start for start, lookup in self.parts])


# By the identities of a table's key columns; an entry goes with its indicator column.
_LOOKUPS: dict[tuple[int, ...], Lookup | Joined] = {}


def lookup(frame: pd.DataFrame) -> Lookup | Joined | None:
    """Return the index of ``frame``, made on first use; None where the filter must do.

    Only a table whose key columns Arrow holds gets one: those change only by being
    replaced, so an index is known to be a table's own while they are the same objects.
    """
    arrays = key_arrays(frame)
    return None if arrays is None else _lookup_of(arrays)


def key_arrays(frame: pd.DataFrame) -> tuple | None:
    """Return the Arrow arrays of the key columns of ``frame``, or None where it has none."""
    import pyarrow as pa

    try:
        arrays = tuple(getattr(frame[column].array, "_pa_array", None) for column in _KEY)
    except (KeyError, TypeError, ValueError, AttributeError):  # the filter says what
        return None
    text = (pa.string(), pa.large_string())
    if not all(isinstance(array, pa.ChunkedArray) and array.type in text for array in arrays):
        return None
    return arrays


def _lookup_of(arrays: tuple) -> Lookup | Joined | None:
    made = _LOOKUPS.get(key := tuple(map(id, arrays)))
    if made is None or not all(r() is a for r, a in zip(made.arrays, arrays, strict=True)):
        made = _joined(arrays) or Lookup(arrays)
        _keep(key, arrays, made)
    return made if made.usable else None


def _keep(key: tuple[int, ...], arrays: tuple, made: Lookup | Joined) -> None:
    """Keep ``made`` as the index of ``arrays`` until their first column goes."""
    _LOOKUPS[key] = made
    gone = weakref.finalize(arrays[0], _LOOKUPS.pop, key, None)
    # Not again as the process exits: a kernel forked from the zygote would let go of the
    # index the zygote made, name by name, and each name's memory is the zygote's until
    # written to. 800 pages copied at every kernel's exit, for a 20,000-indicator table.
    gone.atexit = False


def index_rows(frame: pd.DataFrame) -> None:
    """Make the index of ``frame`` now, not on its first question: a process that forks
    kernels does, so that they share it."""
    lookup(frame)


# A checked table is kept in outputs/.cache/ with its index (brief.notebook.tablecache), so
# that a process reading it back does not sort its rows again: a tenth of a second and
# 25 MB of new memory for a million rows, in every kernel of a grid that reads the file
# where no zygote shares it (Windows, a Dask worker), and in the zygote itself.


def kept_index(arrays: tuple) -> tuple[np.ndarray, np.ndarray, list[list[str]]] | None:
    """Return the index of the table whose key columns are ``arrays`` (:func:`key_arrays`)
    as it is kept with the table: the order of its rows, their keys in that order, and the
    names each key column's numbers stand for; None where the table gets none. Made here
    unless it was made already, and then the table's, as :func:`lookup` makes it."""
    made = _lookup_of(arrays)
    if not isinstance(made, Lookup):
        return None
    return made.order, made.keys, [list(codes) for codes in made.codes]


def adopt_index(frame: pd.DataFrame, order: np.ndarray, keys: np.ndarray, names) -> None:
    """Give ``frame`` the index kept with it (:func:`kept_index`) instead of making one on
    its first question; one that does not fit it is left, and made anew then."""
    import pyarrow as pa

    try:
        arrays = tuple(frame[column].array._pa_array for column in _KEY)
    except (KeyError, AttributeError):
        return
    fits = (
        all(isinstance(array, pa.ChunkedArray) for array in arrays)
        and len(order) == len(keys) == len(frame)
        and order.dtype == keys.dtype == np.int64
        and isinstance(names, list)
        and len(names) == len(_KEY)
        and all(
            isinstance(column, list)
            and all(isinstance(name, str) for name in column)
            and len(set(column)) == len(column)
            for column in names
        )
    )
    # Positions within the table, keys in order and within the names: a damaged file gives
    # no row the table lacks, and no name another's rows.
    if not fits or (
        len(order)
        and (
            order.min() < 0
            or order.max() >= len(frame)
            or not (keys[1:] >= keys[:-1]).all()
            or keys[0] < -1
            or keys[-1] >= math.prod(max(len(column), 1) for column in names)
        )
    ):
        return
    _keep(tuple(map(id, arrays)), arrays, Lookup.kept(arrays, order, keys, names))


def _joined(arrays: tuple) -> Joined | None:
    """Return the index of a table joined from tables that have one, through theirs; None
    when it is not such a table (then it gets its own)."""
    if arrays[0].num_chunks < 2 or any(a.num_chunks != arrays[0].num_chunks for a in arrays):
        return None
    parts, start = [], 0
    for chunks in zip(*(array.chunks for array in arrays), strict=True):
        lookup = _part(chunks)
        if lookup is None:
            return None
        parts.append((start, lookup))
        start += len(chunks[0])
    return Joined(arrays, parts)


def _part(chunks: tuple) -> Lookup | None:
    """Return the index of a table whose key columns are exactly ``chunks`` (one chunk
    each), if one is known: Arrow's buffers never change, so the same memory, from the same
    place for as many rows, holds the same names."""
    for made in list(_LOOKUPS.values()):
        if not isinstance(made, Lookup):
            continue
        arrays = [ref() for ref in made.arrays]
        if all(a is not None and a.num_chunks == 1 for a in arrays) and all(
            _same(a.chunk(0), chunk) for a, chunk in zip(arrays, chunks, strict=True)
        ):
            return made
    return None


def _same(one, other) -> bool:
    """Return whether two Arrow arrays are views of the same memory, rows and type."""
    if one.type != other.type or one.offset != other.offset or len(one) != len(other):
        return False
    return all(
        (a is None and b is None) or (a is not None and b is not None and a.address == b.address)
        for a, b in zip(one.buffers(), other.buffers(), strict=True)
    )
