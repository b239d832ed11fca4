"""Column widths for the tables brief draws, from Arial's character widths.

Word's equal columns squash numbers next to long descriptions, and LibreOffice follows the
widths in the file, not the content. So brief sizes each column itself: room for its
longest word, the rest shared by the text columns. Character widths are Arial's (and
Liberation Sans', its metric-compatible stand-in), in em: enough to size columns.
"""

from __future__ import annotations

from docx.shared import Emu, Pt

_NARROW_CHARS = set("fijlrt.,:;'!|()[] \xa0")
_WIDE_CHARS = set("mwMW%@")
TWIP = 635  # EMU in a twip, the unit Word stores a column's width in
CELL_MARGIN = Emu(54_000)  # 1.5 mm between cell border and text, left and right
# 1 mm in tables of many columns (the indicators): the room goes to the words instead.
WIDE_CELL_MARGIN = Emu(36_000)
SHORT_COLUMN = 6.5  # em, about 12 characters: numbers, years, "n.v.t."; never wrapped
# Short columns get up to this much more than their longest word, where the text columns
# keep room for theirs: a PDF set in a wider fallback font (DejaVu Sans, where Arial is
# missing) would otherwise break "Doel" into "Doe|l".
SHORT_COLUMN_SLACK = 1.2


def em_width(text: str) -> float:
    """Return roughly how wide ``text`` prints, in em (the font size)."""
    return sum(
        0.28 if c in _NARROW_CHARS else 0.83 if c in _WIDE_CHARS else 0.67 if c.isupper() else 0.556
        for c in text
    )


def fit_columns(table, text_width: int, font: Pt, margin: Emu = CELL_MARGIN) -> None:
    """Share the text width over the columns so that no word breaks in the middle.

    Word's equal columns squash numbers next to long descriptions. Every column gets room
    for its longest word, and the text columns share what is left in proportion to their
    typical cell, wrapping between words. If even the longest words do not fit, numbers
    keep their room and only the text columns are narrowed.
    """
    columns = list(zip(*[[cell.text for cell in row.cells] for row in table.rows], strict=True))
    # Split on plain spaces only: "€\xa01,7\xa0mln." must stay together.
    longest = [
        max((em_width(w) for t in texts for w in t.split(" ")), default=1.0) for texts in columns
    ]
    typical = [sorted(em_width(t) for t in texts)[len(texts) // 2] for texts in columns]
    widths = [em * font + 2 * margin for em in longest]
    text = [i for i, n in enumerate(longest) if n > SHORT_COLUMN] or list(range(len(columns)))
    spare = text_width - sum(widths)
    if spare > 0:  # the short columns' slack first, as far as the room goes
        slack = {i: longest[i] * font * (SHORT_COLUMN_SLACK - 1) for i in range(len(columns))}
        slack = {i: extra for i, extra in slack.items() if i not in text}
        share = min(1.0, spare / sum(slack.values())) if slack else 0.0
        for i, extra in slack.items():
            widths[i] += extra * share
        spare -= sum(slack.values()) * share
    if spare >= 0:
        weights = {i: max(typical[i], longest[i]) for i in text}
        for i in text:
            widths[i] += spare * weights[i] / sum(weights.values())
    else:
        room = text_width - sum(w for i, w in enumerate(widths) if i not in text)
        scale = max(room, 0) / sum(widths[i] for i in text)
        for i in text:
            widths[i] *= scale
    # Whole twips, rounded down: Word stores widths in twips, and rounding up could make
    # the columns together a twip wider than the text.
    widths = [Emu(int(w) // TWIP * TWIP) for w in widths]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice follows
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # the cells, which Word follows
