"""The grid cases of the benchmark: the city letter and the 14 area letters of one year.

Side by side in one run, on fresh copies of the example project:

- g1 naive: the papermill CLI once per notebook per letter (15 x 5 runs, in sequence),
  then the plain docxtpl script once per letter;
- g2 `brief build 2024 --per area --force --jobs 2` (cold, threads, two kernels at once);
- g3 the same without --force and nothing changed (a no-change grid rebuild);
- g4 cold with --jobs 1 (one kernel at a time);
- g5 cold on `--cluster local:2` (a Dask LocalCluster: one worker process, two threads);

and the peak memory of g2, kernels included. Letters per minute are 15 / seconds * 60.

    .venv/bin/python benchmarks/run.py --grid-only --repeats 1   # only these cases
"""

from __future__ import annotations

import csv
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import run as bench  # benchmarks/run.py, the harness these cases share

GRID_YEAR = 2024
GRID_CASES = {
    "g1": "g1 naive: papermill CLI per notebook per letter, docxtpl script per letter",
    "g2": f"g2 brief build {GRID_YEAR} --per area --force --jobs 2 (cold)",
    "g3": f"g3 brief build {GRID_YEAR} --per area, nothing changed",
    "g4": f"g4 brief build {GRID_YEAR} --per area --force --jobs 1 (cold)",
    "g5": f"g5 brief build {GRID_YEAR} --per area --force --cluster local:2 (cold)",
}


def letters_of(project: Path) -> list[str]:
    """Return the area parameter of every letter: the city's label, then each area."""
    city = next(
        line.split(":", 1)[1].split("#")[0].strip()
        for line in (project / "brief.yaml").read_text(encoding="utf-8").splitlines()
        if line.startswith("stad:")
    )
    with (project / "data" / "gebieden.csv").open(encoding="utf-8") as stream:
        return [city, *(row["area"] for row in csv.DictReader(stream))]


def naive_grid(project: Path) -> float:
    """g1: every notebook of every letter with the papermill CLI, then the letter script."""
    started = time.perf_counter()
    for number, area in enumerate(letters_of(project)):
        executed = project / "naive" / str(number)
        shutil.rmtree(executed, ignore_errors=True)
        executed.mkdir(parents=True)
        for notebook in sorted(p.name for p in (project / "notebooks").glob("*.ipynb")):
            command = bench.papermill(notebook, executed / notebook, GRID_YEAR)
            bench.run([*command, "-p", "area", area], project)
        bench.run(
            [
                sys.executable,
                str(bench.REPO / "benchmarks" / "naive_letter.py"),
                str(project),
                str(executed),
                str(GRID_YEAR),
                str(executed / f"brief-{GRID_YEAR}-{number}.docx"),
            ],
            project,
        )
    return time.perf_counter() - started


def measure(key: str, repeats: int, once) -> list[float]:
    times = []
    for repeat in range(repeats):
        with bench.console.status(f"{GRID_CASES[key]}: run {repeat + 1} of {repeats}"):
            times.append(once(repeat))
    bench.console.print(
        f"{GRID_CASES[key]}: median {statistics.median(times):.1f} s, min {min(times):.1f} s"
    )
    return times


def grid_cases(repeats: int) -> dict:
    """Run the grid cases and return their medians, ratios and peak memory, for results.json."""
    grid = ["build", str(GRID_YEAR), "--per", "area"]
    with tempfile.TemporaryDirectory(prefix="brief-bench-grid-") as folder:
        project = bench.copy_project(Path(folder) / "project")
        cases = {"g1": measure("g1", repeats, lambda _: naive_grid(project))}
        cold = bench.brief(*grid, "--force", "--jobs", "2")
        cases["g2"] = measure("g2", repeats, lambda _: bench.timed(cold, project))
        cases["g3"] = measure("g3", repeats, lambda _: bench.timed(bench.brief(*grid), project))
        one = bench.brief(*grid, "--force", "--jobs", "1")
        cases["g4"] = measure("g4", repeats, lambda _: bench.timed(one, project))
        local = bench.brief(*grid, "--force", "--jobs", "2", "--cluster", "local:2")
        cases["g5"] = measure("g5", repeats, lambda _: bench.timed(local, project))
        with bench.console.status("peak memory of g2"):
            memory = bench.peak_memory(cold, project)
    median = {key: statistics.median(times) for key, times in cases.items()}
    letters = len(letters_of(bench.REPO))
    per_minute = {key: round(letters / median[key] * 60, 1) for key in ("g1", "g2", "g4", "g5")}
    result = {
        "letters": letters,
        "cases": GRID_CASES,
        "median_seconds": {key: round(value, 2) for key, value in median.items()},
        "ratios": {
            "grid cold / naive": round(median["g2"] / median["g1"], 3),
            "grid no change / cold": round(median["g3"] / median["g2"], 4),
            "grid jobs 2 / jobs 1": round(median["g2"] / median["g4"], 3),
            "grid local cluster / threads": round(median["g5"] / median["g2"], 3),
        },
        "letters_per_minute": per_minute,
        "peak_memory_g2_mib": round(memory),
    }
    table = bench.Table(title=f"grid of {letters} letters ({repeats} run(s) per case, seconds)")
    for column in ("case", "median", "letters/min"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for key, times in cases.items():
        rate = f"{per_minute[key]:.1f}" if key in per_minute else ""
        table.add_row(GRID_CASES[key], f"{statistics.median(times):.1f}", rate)
    bench.console.print(table)
    for name, value in result["ratios"].items():
        bench.console.print(f"{name}: {value}")
    bench.console.print(f"Peak memory of g2 (brief and its kernels): {memory:.0f} MiB")
    return result
