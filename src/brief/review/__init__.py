"""What reviewers read: the review page, the notebook pages, the change report (changes.md).

pages (the review page, notebook HTML, chart data, comments), changes (what changed since
the last build), and their Jinja templates in templates/.

May import: the shared ground, brief.project and brief.notebook.collect. Must not import
build or cli. Writes only into the folder the build side hands it.
"""

from brief import _moved

__getattr__ = _moved.package_getattr(__name__)  # brief.review was review.py in brief 0.1
