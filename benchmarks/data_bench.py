"""The data cases of the benchmark: national-scale files read and checked.

Side by side in one run, on fresh copies of the example project whose catalogue has
20,000 more indicators (half counts written as plain digits, half percentages written
"12,5"), over 10 areas and several years:

- d1 a 1,000,000-row CSV: ``load_data`` with nothing kept, against ``pandas.read_csv``
  of the same file (target: at most 10 times, and at most 2 s); and ``load_data`` again,
  from the table kept in outputs/.cache/, once it is written;
- d2 a 200,000-row workbook: ``load_data`` against ``pandas.read_excel`` with the calamine
  engine (target: at most 3 times) and with openpyxl;
- d3 a file of 200,000 rows that all name unknown indicators, 20,000 of them close to a
  known one: seconds until the message, and its lines (target: 10 s, 30 lines);
- d4 peak memory of ``load_data`` of the million rows in a fresh process, above what the
  process held before, against the checked table's own size;
- d5 the grid of 15 letters (``brief build 2024 --per area --force``) with a million rows
  added to data/jeugd.csv, which 01-jeugd and 05-indicatoren read in each letter, against
  the same grid on the example's data: the time added (the median of at least seven
  differences, each large build against the small builds before and after it), against
  one ``load_data`` of the file in a fresh process, as in a notebook's kernel (target: at
  most 2 times: each file is checked once, not once per notebook). Both grids start
  alike: built before, with their checked tables removed, as after a correction to every
  data file.

"With nothing kept" means outputs/.cache/ is removed before each such run; the removal
(unlinking a table of a hundred MB) is not timed: it is no part of reading a file. d1 to
d4 run numpy as brief's kernels do, where notebooks call load_data: without huge pages
(brief.build.kernels.kernel_environment).

    .venv/bin/python benchmarks/run.py --data-only --repeats 3
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import run as bench  # benchmarks/run.py, the harness these cases share

INDICATORS = 20_000
AREAS = 10
TARGETS = {  # name: (highest allowed, what it compares)
    "csv load_data / read_csv": (10.0, "d1"),
    "csv load_data seconds": (2.0, "d1"),
    "xlsx load_data / calamine": (3.0, "d2"),
    "problems message seconds": (10.0, "d3"),
    "problems message lines": (30, "d3"),
    "grid added / one load_data": (2.0, "d5"),
}

MEMORY = """
import sys
from pathlib import Path
from brief.notebook.data import load_data
from brief.project.paths import ProjectPaths
import pyarrow, pyarrow.compute, pyarrow.csv  # imported before, so only the data counts

def kib(field):  # this process's own, unlike ru_maxrss, which a forked child inherits
    status = Path("/proc/self/status").read_text().splitlines()
    return next(int(line.split()[1]) for line in status if line.startswith(field))

before = kib("VmRSS:")
table = load_data(sys.argv[2], ProjectPaths(Path(sys.argv[1])))
print(before * 1024, kib("VmHWM:") * 1024, int(table.memory_usage(deep=True).sum()))
"""


def national_project(target: Path) -> Path:
    """Return a copy of the example whose catalogue has 20,000 more indicators."""
    bench.copy_project(target)
    catalogue = target / "data" / "indicatoren.csv"
    extra = "".join(
        f"ind_{i},Indicator {i},{'count' if i % 2 == 0 else 'percent'},Overig,Monitor\n"
        for i in range(INDICATORS)
    )
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return target


def national_rows(count: int, prefix: str = "ind_") -> list[list[str]]:
    """Return ``count`` data rows over the extra indicators, areas, years and kinds.

    The years are those the example's own rows have, so that the notebooks' charts (which
    reach every year a file has) show the same years with the extra rows as without them:
    the large grid writes the same letters as the small one, and only the data's size
    differs between the two.
    """
    areas = [
        line.split(",")[0]
        for line in (bench.REPO / "data" / "gebieden.csv").read_text("utf-8").splitlines()[1:]
    ][:AREAS]
    with (bench.REPO / "data" / "jeugd.csv").open(encoding="utf-8", newline="") as stream:
        years = sorted({row["year"] for row in csv.DictReader(stream)})
    combinations = [(year, kind) for kind in ("realisatie", "doel") for year in years]
    if count > len(combinations) * INDICATORS * len(areas):
        raise ValueError(f"{count} rows would repeat an indicator, year, area and kind")
    chance = random.Random(2024)
    rows = []
    for year, kind in combinations:
        for i in range(INDICATORS):
            for area in areas:
                if i % 2 == 0:
                    value = str(chance.randrange(100_000))
                else:
                    value = f"{chance.randrange(100)},{chance.randrange(10)}"
                rows.append([f"{prefix}{i}", year, area, value, kind, "CBS"])
        if len(rows) >= count:
            break
    return rows[:count]


def write_csv(path: Path, rows: list[list[str]], header: bool = True) -> None:
    lines = [",".join(f'"{cell}"' if "," in cell else cell for cell in row) for row in rows]
    head = ["indicator,jaar,gebied,waarde,soort,bron"] if header else []
    path.write_text("\n".join([*head, *lines]) + "\n", encoding="utf-8")


def write_xlsx(path: Path, rows: list[list[str]]) -> None:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    sheet.append(["indicator", "jaar", "gebied", "waarde", "soort", "bron"])
    for indicator, year, area, value, kind, source in rows:
        sheet.append([indicator, int(year), area, float(value.replace(",", ".")), kind, source])
    workbook.save(path)


def side_by_side(repeats: int, cases: dict) -> dict[str, list[float]]:
    """Time each case once per repeat, taking turns, so load on the machine hits all.

    A case is a function, or a pair (prepare, function): ``prepare`` runs before each
    timed call, untimed, for what is no part of the case (removing what an earlier run
    kept in outputs/.cache/, so that the case reads the file with nothing kept).
    """
    times: dict[str, list[float]] = {name: [] for name in cases}
    for repeat in range(repeats):
        for name, case in cases.items():
            prepare, once = case if isinstance(case, tuple) else (None, case)
            with bench.console.status(f"{name}: run {repeat + 1} of {repeats}"):
                if prepare is not None:
                    prepare()
                started = time.perf_counter()
                once()
                times[name].append(time.perf_counter() - started)
    return times


@contextlib.contextmanager
def as_in_a_kernel() -> Iterator[None]:
    """Run this process's numpy as in brief's kernels, where load_data runs: without huge
    pages (brief.build.kernels.kernel_environment), for pandas.read_csv as for load_data."""
    multiarray = np._core.multiarray
    before = multiarray._set_madvise_hugepage(False)
    try:
        yield
    finally:
        multiarray._set_madvise_hugepage(before)


def data_cases(repeats: int) -> dict:
    """Run the data cases and return their medians, ratios and memory, for results.json."""
    with as_in_a_kernel():
        return _data_cases(repeats)


def _data_cases(repeats: int) -> dict:
    from brief.build.kernels import NUMPY_HUGE_PAGES
    from brief.exceptions import DataError
    from brief.notebook import tablecache
    from brief.notebook.data import load_data
    from brief.project.paths import ProjectPaths

    load_before = os.getloadavg()  # 2 cores shared: say how busy the machine was
    with tempfile.TemporaryDirectory(prefix="brief-bench-data-") as folder:
        root = national_project(Path(folder) / "project")
        project = ProjectPaths(root)
        with bench.console.status("writing a 1,000,000-row CSV and a 200,000-row workbook"):
            rows = national_rows(1_000_000)
            write_csv(root / "data" / "groot.csv", rows)
            write_xlsx(root / "data" / "werkmap.xlsx", rows[:200_000])
            wrong = [[f"onbekend_{row[0]}", *row[1:]] for row in rows[:200_000]]
            write_csv(root / "data" / "fout.csv", wrong)
        cache = project.outputs_dir / ".cache"

        def forget() -> None:  # untimed: nothing kept, so load_data reads and checks
            tablecache.finish_writing()
            shutil.rmtree(cache, ignore_errors=True)

        def finish() -> None:  # untimed: the table the previous case keeps is written
            tablecache.finish_writing()

        problem = {}

        def problems() -> None:
            try:
                load_data("fout", project)
            except DataError as error:
                problem["message"] = str(error)

        # Once before timing: the first call imports what a notebook's kernel has imported
        # already (IPython, Arrow's CSV reader), which is no part of reading a file.
        load_data("jeugd", project)
        times = side_by_side(
            repeats,
            {
                "d1 pandas.read_csv": lambda: pd.read_csv(root / "data" / "groot.csv"),
                "d1 load_data": (forget, lambda: load_data("groot", project)),
                # Kept: once the table is written (untimed), as for every notebook after
                # the first; the write itself is the previous case's, in its own thread.
                "d1 load_data, kept": (finish, lambda: load_data("groot", project)),
                "d2 pandas.read_excel calamine": lambda: pd.read_excel(
                    root / "data" / "werkmap.xlsx", engine="calamine"
                ),
                "d2 pandas.read_excel openpyxl": lambda: pd.read_excel(
                    root / "data" / "werkmap.xlsx", engine="openpyxl"
                ),
                "d2 load_data": (forget, lambda: load_data("werkmap", project)),
                "d3 200,000 problems": (forget, problems),
            },
        )
        with bench.console.status("d4 peak memory of load_data"):
            shutil.rmtree(cache, ignore_errors=True)
            done = subprocess.run(
                [sys.executable, "-c", MEMORY, str(root), "groot"],
                capture_output=True,
                env={**os.environ, NUMPY_HUGE_PAGES: "0"},  # as in a kernel
                text=True,
                check=True,
            )
            before, peak, table = (int(n) for n in done.stdout.split())
            added = peak - before
            file_size = (root / "data" / "groot.csv").stat().st_size
        median = {name: statistics.median(values) for name, values in times.items()}
        for name, value in median.items():
            bench.console.print(f"{name}: median {value:.2f} s")
        bench.console.print(f"d4 peak memory added by load_data: {added / 2**20:.0f} MiB")
        grid = grid_added(repeats, rows)

    lines = len(problem["message"].splitlines())
    ratios = {
        "csv load_data / read_csv": median["d1 load_data"] / median["d1 pandas.read_csv"],
        "csv load_data seconds": median["d1 load_data"],
        "xlsx load_data / calamine": median["d2 load_data"]
        / median["d2 pandas.read_excel calamine"],
        "problems message seconds": median["d3 200,000 problems"],
        "problems message lines": lines,
        "grid added / one load_data": grid["added seconds"] / grid["one load_data seconds"],
    }
    result = {
        "cases": {name: round(value, 3) for name, value in median.items()},
        # Every repeat, not only the medians: on the development VM the same load_data
        # spends from 0.1 to 0.7 s in the system from one minute to the next.
        "each repeat": {name: [round(v, 3) for v in values] for name, values in times.items()},
        "ratios": {name: round(value, 3) for name, value in ratios.items()},
        "targets": {name: limit for name, (limit, _case) in TARGETS.items()},
        # The grid's time added counts only if both grids wrote the same letters.
        "met": {
            name: ratios[name] <= limit and (case != "d5" or grid["same letters"])
            for name, (limit, case) in TARGETS.items()
        },
        "memory": {
            "process_before_mib": round(before / 2**20),
            "process_peak_mib": round(peak / 2**20),
            "peak_added_by_load_data_mib": round(added / 2**20),
            "checked_table_mib": round(table / 2**20),
            "csv_file_mib": round(file_size / 2**20),
            "peak added / table": round(added / table, 2),
        },
        "grid": {
            name: value
            if isinstance(value, bool)
            else [round(v, 2) for v in value]
            if isinstance(value, list)
            else round(value, 2)
            for name, value in grid.items()
        },
        "load_average": {
            "before (1, 5, 15 min)": [round(n, 2) for n in load_before],
            "after (1, 5, 15 min)": [round(n, 2) for n in os.getloadavg()],
            "cores": os.cpu_count(),
        },
        "problems_message": problem["message"],
    }
    bench.console.print(json.dumps(result, indent=2, ensure_ascii=False))
    return result


GRID_PAIRS = 7  # d5 runs at least this many pairs: two 25 s builds differ by a second or two


def grid_added(repeats: int, rows: list[list[str]]) -> dict[str, float]:
    """d5: the grid on the example's data, and with a million rows added to jeugd.csv.

    The time added is a difference of two builds of about 25 s that each vary by seconds
    from run to run, and drift: on the development VM a build took 24 s at the start of a
    run and 35 s ten minutes on. So each large build stands between two small ones (small,
    large, small, large, ..., small: one small build more than large ones), and its time
    added is its own less the mean of the small builds before and after it. A drift that
    is steady over the two minutes around a large build then adds nothing to its
    difference, where a small build always before the large one put all of it on the large
    one. The median of those differences is the time added (the difference of the two
    medians is kept too).

    One load_data, the unit of the ratio, is timed as a notebook runs it, after each large
    build: in a fresh process (a fork of this one, whose imports are done), with nothing
    kept, as the check runs inside the grid (in a child of the kernel zygote). Timed again
    in this process, a load_data reuses the memory that the one before let go, which a new
    process never can: 2 to 12 % less time in the runs of 2026-12-06. That time is kept
    too ("in this process").

    Only the data may differ between the two grids. Both are built once first, untimed;
    before each timed build its checked tables (outputs/.cache/) are removed, so that every
    file is read and checked again, as after a correction, while the rest of outputs/ is
    as the last build left it, in both. (Removing the large grid's whole outputs/ instead
    had it look at every chart of its 15 letters again, which the small grid's run records
    spared it: 2.4 s of processor time that no data caused.)
    """
    from grid_bench import GRID_YEAR

    from brief.notebook import tablecache
    from brief.notebook.data import load_data
    from brief.project.paths import ProjectPaths

    grid = ["build", str(GRID_YEAR), "--per", "area", "--force", "--jobs", "2"]
    pairs = max(repeats, GRID_PAIRS)
    with tempfile.TemporaryDirectory(prefix="brief-bench-data-grid-") as folder:
        small = bench.copy_project(Path(folder) / "small")
        large = national_project(Path(folder) / "large")
        jeugd = large / "data" / "jeugd.csv"
        extra = Path(folder) / "extra.csv"
        write_csv(extra, rows, header=False)
        with jeugd.open("a", encoding="utf-8") as stream:
            stream.write(extra.read_text(encoding="utf-8"))
        with bench.console.status("d5 both grids, once, untimed, to keep their records"):
            for project in (small, large):
                bench.timed(bench.brief(*grid), project)

        def remove_checked_tables(project: Path) -> None:  # untimed, as in d1
            shutil.rmtree(project / "outputs" / ".cache", ignore_errors=True)

        def build(project: Path) -> float:
            remove_checked_tables(project)
            return bench.timed(bench.brief(*grid), project)

        times = {"small grid": [], "large grid": [], "one load": [], "one load here": []}
        same = []
        with bench.console.status(f"d5 grid, small build 1 of {pairs + 1}"):
            times["small grid"].append(build(small))
        for repeat in range(pairs):
            with bench.console.status(f"d5 grid, large build {repeat + 1} of {pairs}"):
                times["large grid"].append(build(large))
                same.append(same_letters(small, large, GRID_YEAR))
                # Outside the grid: one load_data of the large file, with nothing kept.
                remove_checked_tables(large)
                times["one load"].append(fresh_load_data("jeugd", ProjectPaths(large)))
                remove_checked_tables(large)
                started = time.perf_counter()
                load_data("jeugd", ProjectPaths(large))
                times["one load here"].append(time.perf_counter() - started)
                tablecache.finish_writing()  # untimed, not into the next build
            with bench.console.status(f"d5 grid, small build {repeat + 2} of {pairs + 1}"):
                times["small grid"].append(build(small))
    smalls, larges = times["small grid"], times["large grid"]
    differences = [
        large_s - (before + after) / 2
        for large_s, before, after in zip(larges, smalls[:-1], smalls[1:], strict=True)
    ]
    one, here = statistics.median(times["one load"]), statistics.median(times["one load here"])
    return {
        "small grid seconds": statistics.median(smalls),
        "large grid seconds": statistics.median(larges),
        "added seconds": statistics.median(differences),
        "added, difference of the medians": statistics.median(larges) - statistics.median(smalls),
        "added per pair": differences,
        "small grid, each build": smalls,
        "large grid, each build": larges,
        "one load_data seconds": one,
        "one load_data, each": times["one load"],
        "one load_data in this process seconds": here,
        "added / one load_data in this process": statistics.median(differences) / here,
        "same letters": all(same),
    }


def fresh_load_data(name: str, project) -> float:
    """Return the seconds of one load_data in a fresh process, as in a notebook's kernel: a
    fork of this one (its imports done, and numpy as in a kernel), whose memory no earlier
    read has touched. The table it keeps is written, untimed, before it exits."""
    from brief.notebook import tablecache
    from brief.notebook.data import load_data

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read)
            started = time.perf_counter()
            load_data(name, project)
            seconds = time.perf_counter() - started
            tablecache.finish_writing()
            os.write(write, repr(seconds).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as answer:
        said = answer.read()
    os.waitpid(pid, 0)
    if not said:
        raise SystemExit(f"Benchmark: load_data of {name} failed in a fresh process")
    return float(said)


def same_letters(small: Path, large: Path, year: int) -> bool:
    """Return whether two grids wrote the same letters: the same texts and numbers shown,
    and the same charts (by the hashes of their images), in every letter's run record."""
    records = sorted(path.relative_to(small) for path in small.glob(f"outputs/**/{year}/run.json"))
    if not records:
        return False
    for record in records:
        try:
            kept = [json.loads((root / record).read_text("utf-8")) for root in (small, large)]
            if any(kept[0][part] != kept[1][part] for part in ("shown", "charts")):
                return False
        except (OSError, ValueError, KeyError):  # a letter the large grid did not write
            return False
    return True
