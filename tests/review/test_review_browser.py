"""The review pages in a real browser: nothing loaded from the network, no WCAG 2.1 A/AA
violation that axe-core finds, and every link from a value reaching its notebook cell.

Headless Chromium is Debian's (/usr/bin/chromium), driven by Playwright for Python; Playwright
never downloads a browser of its own here. axe-core is an npm package, so it is not in the
Python environment: .ci/run installs it, pinned, into the environment's folder (ignored by
git, and removed with it by `make clean`):

    npm install --prefix .venv/node axe-core@4.14.1

These tests find it at <sys.prefix>/node/node_modules/axe-core/axe.min.js, or wherever
BRIEF_AXE_JS points. Without Chromium, Playwright or axe-core they skip, except where
BRIEF_REQUIRE_BROWSER is set (CI), where they fail.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
AXE_JS = Path(
    os.environ.get("BRIEF_AXE_JS")
    or Path(sys.prefix) / "node" / "node_modules" / "axe-core" / "axe.min.js"
)
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
REQUIRED = bool(os.environ.get("BRIEF_REQUIRE_BROWSER"))

NOTEBOOKS = sorted(path.stem for path in (REPO / "notebooks").glob("*.ipynb"))
PAGES = ["index.html", *(f"notebooks/{name}.html" for name in NOTEBOOKS)]
LOCAL = ("file:", "data:", "blob:", "about:")
# What a page would load from elsewhere: a script, style, font, image or frame, not a link.
ONLINE_RESOURCE = re.compile(
    r"<(?:script|link|img|source|iframe|video|audio|embed|object|use|image)\b[^>]*?"
    r"\b(?:src|href|srcset|data|xlink:href)\s*=\s*[\"']?\s*(?:https?:)?//"
    r"|url\(\s*[\"']?\s*(?:https?:)?//"
    r"|@import\s+(?:url\()?\s*[\"']?\s*(?:https?:)?//"
    r"|import\(\s*[\"'](?:https?:)?//",
    re.IGNORECASE,
)


def _missing() -> list[str]:
    missing = []
    if not CHROMIUM.is_file():
        missing.append(f"{CHROMIUM} (apt-get install chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("playwright (pip install -e '.[test]')")
    if not AXE_JS.is_file():
        missing.append(f"{AXE_JS} (npm install --prefix .venv/node axe-core, as .ci/run does)")
    return missing


MISSING = _missing()
# Decided before any fixture runs, so a machine without a browser skips without building.
needs_browser = pytest.mark.skipif(
    bool(MISSING) and not REQUIRED, reason="not installed: " + "; ".join(MISSING)
)


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, through Playwright."""
    if MISSING:
        if REQUIRED:
            pytest.fail("BRIEF_REQUIRE_BROWSER is set but these are missing: " + "; ".join(MISSING))
        pytest.skip("not installed: " + "; ".join(MISSING))
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def year_dir(built) -> Path:
    return built["paths"].year_dir(2023)


class OpenedPage:
    """A page opened from disk, with every request it made."""

    def __init__(self, browser, path: Path):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        # Whatever a page asks of the network is recorded above, then refused here.
        self.page.route(re.compile(r"^(?!file:|data:|blob:|about:)"), lambda route: route.abort())
        self.page.goto(path.as_uri(), wait_until="load")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser):
    pages = []

    def open_page(path: Path) -> OpenedPage:
        pages.append(OpenedPage(browser, path))
        return pages[-1]

    yield open_page
    for page in pages:
        page.close()


def describe(violations: list[dict]) -> str:
    """Return axe-core's violations as a reviewer reads them: rule, what, where, why."""
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']}, "
            f"{len(violation['nodes'])} element(s) [{violation['helpUrl']}]"
        )
        for node in violation["nodes"][:10]:
            lines.append(f"    at {' '.join(node['target'])}: {node['html'][:160]}")
            for reason in node["failureSummary"].splitlines()[1:]:
                lines.append(f"        {reason.strip()}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_page_points_at_nothing_online(year_dir, name):
    html = (year_dir / name).read_text(encoding="utf-8")

    online = [match.group(0)[:160] for match in ONLINE_RESOURCE.finditer(html)]

    assert not online, f"{name} loads from the network:\n  " + "\n  ".join(online)


@needs_browser
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_nothing_from_the_network(opened, year_dir, name):
    page = opened(year_dir / name)
    page.page.wait_for_load_state("networkidle")

    outside = [url for url in page.requests if not url.startswith(LOCAL)]

    assert page.requests, "the browser recorded no request at all"
    assert not outside, f"{name} asked the network for:\n  " + "\n  ".join(outside)


@needs_browser
@pytest.mark.parametrize("name", PAGES)
def test_page_passes_axe_core_wcag_2_1_aa(opened, year_dir, name):
    page = opened(year_dir / name).page
    page.add_script_tag(path=str(AXE_JS))

    results = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )

    assert results["testEngine"]["version"]
    assert not results["violations"], (
        f"axe-core {results['testEngine']['version']} finds in {name}:\n"
        + describe(results["violations"])
    )


@needs_browser
def test_every_link_from_a_value_reaches_its_notebook_cell(opened, year_dir):
    review = opened(year_dir / "index.html").page
    links = review.eval_on_selector_all(
        "a[href*='#cell-id=']", "links => links.map(link => link.getAttribute('href'))"
    )
    value_links = review.eval_on_selector_all(
        "tr[id^='value-'] a[href*='#cell-id=']", "links => links.length"
    )
    by_page: dict[str, set[str]] = {}
    for link in links:
        page, _, fragment = link.partition("#")
        by_page.setdefault(page, set()).add(unquote(fragment))

    assert value_links >= 20  # the 2023 letter's values, each linked to its cell
    unreached = []
    for page, fragments in sorted(by_page.items()):
        notebook = opened(year_dir / page).page
        for fragment in sorted(fragments):
            # Follow the link as a click would: the cell becomes the page's :target.
            target = notebook.evaluate(
                """(fragment) => {
                    location.hash = fragment;
                    const target = document.querySelector(":target");
                    return target ? target.id : null;
                }""",
                fragment,
            )
            if target != fragment:
                unreached.append(f"{page}#{fragment} (target: {target})")
    assert not unreached, "links that reach no cell:\n  " + "\n  ".join(unreached)


@needs_browser
def test_every_link_on_the_review_page_leads_to_a_file(opened, year_dir):
    review = opened(year_dir / "index.html").page
    hrefs = review.eval_on_selector_all(
        "a[href], img[src]", "elements => elements.map(e => e.getAttribute('href') || e.src)"
    )

    missing = []
    for href in hrefs:
        parts = urlsplit(href)
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
        elif not parts.scheme and parts.path:
            path = year_dir / unquote(parts.path)
        else:
            continue  # a link within the page
        if not path.is_file():
            missing.append(href)

    assert hrefs
    assert not missing, "links to files that are not there:\n  " + "\n  ".join(missing)


@pytest.fixture(scope="module")
def dutch_review_page(built, tmp_path_factory) -> Path:
    """The 2023 review page as brief writes it by default: in Dutch.

    A copy of the built example, built again in Dutch: only the language changed, so the
    letter is refilled and its pages rewritten without running a notebook.
    """
    import shutil

    from brief.build.year import build_year
    from brief.i18n import speaking
    from brief.project.paths import ProjectPaths

    copy = ProjectPaths(tmp_path_factory.mktemp("dutch") / "project")
    shutil.copytree(built["paths"].root, copy.root, symlinks=True)
    with speaking("nl"):
        result = build_year(copy, 2023, jobs=2)
    assert result.notebook_seconds == {}  # nothing reran: the language alone changed
    return copy.year_dir(2023) / "index.html"


@needs_browser
def test_the_dutch_review_page_passes_axe_core_wcag_2_1_aa(opened, dutch_review_page):
    page = opened(dutch_review_page).page
    page.add_script_tag(path=str(AXE_JS))

    results = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )
    language = page.evaluate("document.documentElement.lang")
    heading = page.inner_text("h2#values")

    assert (language, heading) == ("nl", "Waarden")
    assert not results["violations"], describe(results["violations"])
