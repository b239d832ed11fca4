"""What would make a letter inaccessible, found the way Word's accessibility checker does.

Council letters are published, so the law on digital accessibility applies (EN 301 549:
WCAG 2.1 A and AA for office files). `brief check` reports these findings for the
template filled with the year's values, and every build lists them for the letter it
made on the review page. They are warnings: the advisor decides, the letter is written.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
from collections.abc import Iterable, Mapping

from docx.document import Document

from brief.i18n import N_, _, decimal, ngettext
from brief.letter import parts
from brief.records import ChartColour

LANGUAGE = "nl-NL"  # the letter's text language, for screen readers' pronunciation
MIN_GRAPHIC_CONTRAST = 3.0  # WCAG 1.4.11: parts of a chart needed to understand it
_CHART_COLOUR_SHARE = 0.005  # a colour on at least 0.5% of a chart is one of its series
# A picture without alt text, per part of the letter (parts.part_elements): a whole sentence
# each, so that every part's name reads right in the sentence in every language.
_NO_ALT_TEXT = {
    "body": N_(
        "A picture in the body has no alternative text. Give it one in Word (right-click, "
        "'Edit Alt Text'), or mark it as decorative."
    ),
    "header": N_(
        "A picture in the header has no alternative text. Give it one in Word (right-click, "
        "'Edit Alt Text'), or mark it as decorative."
    ),
    "first page header": N_(
        "A picture in the first page header has no alternative text. Give it one in Word "
        "(right-click, 'Edit Alt Text'), or mark it as decorative."
    ),
    "even page header": N_(
        "A picture in the even page header has no alternative text. Give it one in Word "
        "(right-click, 'Edit Alt Text'), or mark it as decorative."
    ),
    "footer": N_(
        "A picture in the footer has no alternative text. Give it one in Word (right-click, "
        "'Edit Alt Text'), or mark it as decorative."
    ),
    "first page footer": N_(
        "A picture in the first page footer has no alternative text. Give it one in Word "
        "(right-click, 'Edit Alt Text'), or mark it as decorative."
    ),
    "even page footer": N_(
        "A picture in the even page footer has no alternative text. Give it one in Word "
        "(right-click, 'Edit Alt Text'), or mark it as decorative."
    ),
}


def findings(document: Document, charts: Iterable[tuple[str, bytes]] = ()) -> list[str]:
    """Return a sentence for everything in ``document`` (and its ``charts``: name, PNG)
    that a screen reader or a reader with low vision would stumble on."""
    found = []
    for part, alt, decorative in parts.pictures(document):
        if not alt.strip() and not decorative:
            found.append(_(_NO_ALT_TEXT[part]))
    found += _heading_findings(parts.heading_levels(document))
    for first, header, merged, empty in parts.table_facts(document):
        found += _table_findings(first[:40], header, merged, empty)
    other = sorted(tag for tag in parts.languages(document) if not tag.lower().startswith("nl"))
    if other:
        found.append(
            # TRANSLATORS: {languages} are language tags such as en-US, de-DE.
            _(
                "Text in the letter is marked as language {languages}, not Dutch; a "
                "screen reader would pronounce it that way. In Word: Review, Language."
            ).format(languages=", ".join(other))
        )
    found += chart_findings(charts)
    return found


def chart_findings(
    charts: Iterable[tuple], looks: Mapping[str, list[ChartColour]] | None = None
) -> list[str]:
    """Return the findings of the ``charts`` alone: (name, PNG), or (name, PNG, notebook);
    ``looks``: what :func:`look_at_charts` found of them, if known.

    A build warns about these: unlike the template's findings, a notebook makes them anew
    each year, so the advisor hears of them where the letter is made.
    """
    found = []
    for name, png, *notebook in charts:
        faint = None if looks is None else looks.get(hashlib.sha256(png).hexdigest())
        found += _chart_findings(name, png, notebook[0] if notebook else None, faint)
    return found


def _table_findings(start: str, header: bool, merged: int, empty: int) -> list[str]:
    """Return the findings of one table, named by the text it ``start``s with (if any)."""
    found = []
    if not header:
        if start:
            message = _(
                'The table that starts with "{start}" has no header row. Select its first row '
                "in Word and tick 'Repeat as header row at the top of each page'."
            )
        else:
            message = _(
                "A table has no header row. Select its first row in Word and tick "
                "'Repeat as header row at the top of each page'."
            )
        found.append(message.format(start=start))
    if merged:
        if start:
            message = _(
                'The table that starts with "{start}" has merged cells, which screen readers '
                "read out of order. Split them, or repeat the text in each cell."
            )
        else:
            message = _(
                "A table has merged cells, which screen readers read out of order. "
                "Split them, or repeat the text in each cell."
            )
        found.append(message.format(start=start))
    if empty:
        if start:
            # TRANSLATORS: both English forms are the same; 'n.v.t.' is what the letter prints.
            message = ngettext(
                'The table that starts with "{start}" has {count} empty cell(s). Write '
                "'n.v.t.' or '-' in them, or do not use a table for layout.",
                'The table that starts with "{start}" has {count} empty cell(s). Write '
                "'n.v.t.' or '-' in them, or do not use a table for layout.",
                empty,
            )
        else:
            # TRANSLATORS: both English forms are the same; 'n.v.t.' is what the letter prints.
            message = ngettext(
                "A table has {count} empty cell(s). Write 'n.v.t.' or '-' in them, or do "
                "not use a table for layout.",
                "A table has {count} empty cell(s). Write 'n.v.t.' or '-' in them, or do "
                "not use a table for layout.",
                empty,
            )
        found.append(message.format(start=start, count=empty))
    return found


def _heading_findings(levels: list[tuple[int, str]]) -> list[str]:
    found = []
    previous = 0
    for level, text in levels:
        if level > previous + 1 and previous:
            found.append(
                _(
                    'The heading "{text}" is level {level} after level {previous}: '
                    "a heading level is skipped. Use the next level down."
                ).format(text=text[:60], level=level, previous=previous)
            )
        elif level > previous + 1:
            found.append(
                # TRANSLATORS: the letter's first heading, which is not of level 1.
                _(
                    'The heading "{text}" is level {level} after level none: '
                    "a heading level is skipped. Use the next level down."
                ).format(text=text[:60], level=level)
            )
        previous = level
    if not levels:
        found.append(_("The letter has no headings. Use Word's Heading styles for its sections."))
    return found


def look_at_charts(
    pngs: Iterable[bytes], known: Mapping[str, list[ChartColour]] | None = None
) -> dict[str, list[ChartColour]]:
    """Return the colours each chart shows too faintly, by the SHA-256 of its PNG.

    Decoding a chart and counting its colours takes a hundredth of a second; a letter has
    several, most of them the same as at the last build. Those in ``known`` (what the last
    build found, kept in its run record) are not looked at again.
    """
    looks: dict[str, list[ChartColour]] = {}
    for png in pngs:
        sha256 = hashlib.sha256(png).hexdigest()
        if sha256 not in looks:
            seen = (known or {}).get(sha256)
            looks[sha256] = list(seen) if seen is not None else faint_colours(png)
    return looks


def faint_colours(png: bytes) -> list[ChartColour]:
    """Return each colour of a chart's series under 3:1 against its ground, with its ratio."""
    from PIL import Image  # comes with matplotlib

    image = Image.open(io.BytesIO(png)).convert("RGB")
    total = image.width * image.height
    colours = sorted(image.getcolors(total) or [], reverse=True)
    # The ground is what the corner shows: large bars may cover more of a chart than it.
    background = image.getpixel((0, 0))
    faint = []
    passing = []  # the chart's colours that stand out from the ground
    for count, colour in colours:
        if count / total < _CHART_COLOUR_SHARE:
            break
        if colour == background:
            continue
        _hue, _lightness, saturation = colorsys.rgb_to_hls(*(c / 255 for c in colour))
        if saturation < 0.25:
            continue  # greys: text (dark) and grid lines (decoration)
        ratio = contrast(colour, background)
        if ratio >= MIN_GRAPHIC_CONTRAST:
            passing.append(colour)
            continue
        if any(_blend_of(colour, background, other) for other in passing):
            continue  # the smoothed edges of a hatch or line in a colour that passes
        faint.append(ChartColour(colour=_hex(colour), ratio=ratio))
    return faint


def _chart_findings(
    name: str, png: bytes, notebook: str | None = None, faint: list[ChartColour] | None = None
) -> list[str]:
    """Return a finding for each colour of a chart's series under 3:1 against its ground
    (``faint``: those colours, when known already)."""
    found = []
    for colour in faint_colours(png) if faint is None else faint:
        if notebook:
            # TRANSLATORS: {ratio} is a contrast such as 1,3; readers with low vision
            # need 3:1 to see a part of a chart against its background
            message = _(
                "The chart '{name}' has a colour ({colour}) that readers with low vision "
                "can hardly tell from its background: contrast {ratio}:1, where at least "
                "3:1 is needed. Give it a darker colour in {notebook}, for instance one of "
                "brief's charts.PALETTE."
            )
        else:
            message = _(
                "The chart '{name}' has a colour ({colour}) that readers with low vision "
                "can hardly tell from its background: contrast {ratio}:1, where at least "
                "3:1 is needed. Give it a darker colour, for instance one of brief's "
                "charts.PALETTE."
            )
        found.append(
            message.format(
                name=name, colour=colour.colour, ratio=decimal(colour.ratio), notebook=notebook
            )
        )
    return found


def _blend_of(colour, background, other, tolerance: float = 0.04) -> bool:
    """Return whether ``colour`` lies between ``background`` and ``other``: a pixel where
    a line of ``other`` is smoothed into the ground (anti-aliasing), not a colour of its own."""
    shares = [
        (b - c) / (b - o)
        for c, b, o in zip(colour, background, other, strict=True)
        if abs(b - o) > 16
    ]
    if not shares:
        return False
    return all(0 < s < 1 for s in shares) and max(shares) - min(shares) <= tolerance


def contrast(one: tuple[int, int, int], other: tuple[int, int, int]) -> float:
    """Return the WCAG contrast ratio of two sRGB colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _luminance(colour: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(c) for c in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def _hex(colour: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{c:02X}" for c in colour)
