"""The letter: the template language and the one place that edits Word XML.

templating (open a template, its names and tags), sandbox (what a template may touch),
fill (the letter and its review copy, filled once), columns (table widths), accessibility
(the facts brief checks), pdf (LibreOffice), redline (changes tracked against an earlier
letter) and the Word XML itself, split by job: layout (fields, captions, alt text, table
properties), parts (reading a document's parts and texts), marks (fill and review marks,
comments) and tracked (writing tracked changes).

May import: the shared ground, brief.project and brief.notebook.collect (what was
published). Must not import build, review or cli. Returns documents and bytes; the build
side decides where they are written.
"""

from brief import _moved

__getattr__ = _moved.package_getattr(__name__)  # brief.letter was letter.py in brief 0.1
