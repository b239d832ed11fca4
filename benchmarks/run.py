"""Benchmark brief against the naive pipeline, and find where the time goes.

Every case runs on a fresh copy of the example project, side by side in one run on the
same machine, each repeated (default 5 times); the table shows median and minimum. Timings
are wall-clock seconds of the whole command, as the advisor waits for it. The results,
with the ratios the benchmark issue sets targets for, go to benchmarks/results.json.

    make bench                                   # or:
    .venv/bin/python benchmarks/run.py --repeats 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psutil
from rich.console import Console
from rich.table import Table

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results.json"
BIN = Path(sys.executable).parent
YEAR = 2023
# Case 4 edits this file; 02-ouderen reads it (and 05-indicatoren, which tabulates every
# chapter's data). Case 8 runs 02-ouderen alone.
EDITED_DATA = "data/ouderen.csv"
EDITED_NOTEBOOK = "02-ouderen.ipynb"
EDIT = (
    "valpreventie_deelnemers,2023,Rotterdam,700,",
    "valpreventie_deelnemers,2023,Rotterdam,715,",
)

TARGETS = {  # ratio: (highest allowed, what it compares)
    "cold / naive": (0.7, "case 2 / case 1"),
    "no change / cold": (0.05, "case 3 / case 2"),
    "one data file / (notebook alone + letter)": (1.25, "case 4 / (case 8 + case 6)"),
    "jobs 2 / jobs 1": (1 / 1.7, "case 5 (jobs 2) / case 5 (jobs 1)"),
}
LETTER_TARGET = 0.5  # seconds for the letter assembly alone

console = Console()


def copy_project(target: Path) -> Path:
    for folder in ("data", "notebooks", "params", "templates"):
        shutil.copytree(REPO / folder, target / folder)
    shutil.copy(REPO / "brief.yaml", target / "brief.yaml")
    return target


def run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"Benchmark command failed: {' '.join(command)}\n{done.stderr}")


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    run(command, cwd)
    return time.perf_counter() - started


def peak_memory(command: list[str], cwd: Path) -> float:
    """Run ``command`` and return the peak resident memory (MiB) of it and its kernels."""
    process = psutil.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            try:
                tree = [process, *process.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    sampler.join()
    return peak / 2**20


def brief(*args: str) -> list[str]:
    return [str(BIN / "brief"), *args]


def papermill(notebook: str, target: Path, year: int = YEAR) -> list[str]:
    return [
        str(BIN / "papermill"),
        "--log-level",
        "ERROR",
        f"notebooks/{notebook}",
        str(target),
        "-p",
        "year",
        str(year),
    ]


def toggle_edit(project: Path, repeat: int) -> None:
    """Change the edited data file, one way on even repeats and back on odd ones."""
    path = project / EDITED_DATA
    old, new = EDIT if repeat % 2 == 0 else EDIT[::-1]
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def naive(project: Path) -> float:
    """Case 1: the papermill CLI once per notebook, in sequence, then a docxtpl script."""
    executed = project / "naive"
    shutil.rmtree(executed, ignore_errors=True)
    executed.mkdir()
    started = time.perf_counter()
    for notebook in sorted(p.name for p in (project / "notebooks").glob("*.ipynb")):
        run(papermill(notebook, executed / notebook), project)
    run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "naive_letter.py"),
            str(project),
            str(executed),
            str(YEAR),
            str(executed / f"brief-{YEAR}.docx"),
        ],
        project,
    )
    return time.perf_counter() - started


LETTER_ONLY = """
import sys, tempfile, time
from pathlib import Path
from brief.notebook.collect import collect
from brief.letter.fill import render_letter
from brief.project.params import load_params
from brief.project.paths import ProjectPaths

project = ProjectPaths(Path(sys.argv[1]))
year = int(sys.argv[2])
outputs = project.year_dir(year)
started = time.perf_counter()
params = load_params(project.params_file(year), year)
collection = collect(sorted((outputs / "notebooks").glob("*.ipynb")))
with tempfile.TemporaryDirectory() as folder:
    render_letter(project.default_template, params, collection, Path(folder) / "letter.docx",
                  Path(folder) / "figuren")
print(time.perf_counter() - started)
"""


def letter_alone(project: Path) -> float:
    """Case 6: fill the template from executed notebooks (libraries already imported)."""
    done = subprocess.run(
        [sys.executable, "-c", LETTER_ONLY, str(project), str(YEAR)],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout.strip().splitlines()[-1])


def kernel_floor(project: Path) -> float:
    """Case 7: start one Jupyter kernel and import pandas and matplotlib in it."""
    from jupyter_client.manager import start_new_kernel

    started = time.perf_counter()
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(project))
    try:
        reply = client.execute_interactive(
            "import pandas, matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot",
            timeout=120,
            output_hook=lambda message: None,
        )
        assert reply["content"]["status"] == "ok", reply["content"]
        return time.perf_counter() - started
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


CASES = {
    "1": "1 naive: papermill CLI per notebook, then a docxtpl script",
    "2": f"2 brief build {YEAR} --force (cold)",
    "3": f"3 brief build {YEAR}, nothing changed",
    "4": f"4 brief build {YEAR} after {EDITED_DATA} changed",
    "5j1": "5 brief build 2022 2023 2024 --force --jobs 1",
    "5j2": "5 brief build 2022 2023 2024 --force --jobs 2",
    "6": "6 letter assembly alone (fill, captions, alt text)",
    "7": "7 floor: one kernel, import pandas and matplotlib",
    "8": f"8 papermill CLI, {EDITED_NOTEBOOK} alone",
}


def measure(key: str, repeats: int, once: Callable[[int], float]) -> list[float]:
    times = []
    for repeat in range(repeats):
        with console.status(f"{CASES[key]}: run {repeat + 1} of {repeats}"):
            times.append(once(repeat))
    console.print(f"{CASES[key]}: median {statistics.median(times):.2f} s, min {min(times):.2f} s")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per case (default 5)")
    parser.add_argument(
        "--grid-only", action="store_true", help="only the grid cases (benchmarks/grid_bench.py)"
    )
    parser.add_argument(
        "--data-only", action="store_true", help="only the data cases (benchmarks/data_bench.py)"
    )
    parser.add_argument(
        "--kernels-only",
        action="store_true",
        help="only the forked-kernel cases (benchmarks/kernel_bench.py)",
    )
    parser.add_argument(
        "--no-grid", action="store_true", help="with --kernels-only: leave out the 15-letter grid"
    )
    arguments = parser.parse_args()
    repeats = arguments.repeats
    if arguments.grid_only:
        add_grid_results(repeats)
        return
    if arguments.data_only:
        add_data_results(repeats)
        return
    if arguments.kernels_only:
        add_kernel_results(repeats, grid=not arguments.no_grid)
        return

    with tempfile.TemporaryDirectory(prefix="brief-bench-") as folder:
        project = copy_project(Path(folder) / "project")
        years = copy_project(Path(folder) / "years")
        cases: dict[str, list[float]] = {}

        cases["1"] = measure("1", repeats, lambda _: naive(project))
        cases["2"] = measure(
            "2", repeats, lambda _: timed(brief("build", str(YEAR), "--force"), project)
        )
        cases["3"] = measure("3", repeats, lambda _: timed(brief("build", str(YEAR)), project))

        def one_edit(repeat: int) -> float:
            toggle_edit(project, repeat)
            return timed(brief("build", str(YEAR)), project)

        cases["4"] = measure("4", repeats, one_edit)
        three_years = brief("build", "2022", "2023", "2024", "--force", "--jobs")
        cases["5j1"] = measure("5j1", repeats, lambda _: timed([*three_years, "1"], years))
        cases["5j2"] = measure("5j2", repeats, lambda _: timed([*three_years, "2"], years))
        cases["6"] = measure("6", repeats, lambda _: letter_alone(project))
        cases["7"] = measure("7", repeats, lambda _: kernel_floor(project))
        cases["8"] = measure(
            "8",
            repeats,
            lambda _: timed(papermill(EDITED_NOTEBOOK, Path(folder) / "alone.ipynb"), project),
        )
        with console.status("peak memory of case 2"):
            memory = peak_memory(brief("build", str(YEAR), "--force"), project)

    median = {key: statistics.median(times) for key, times in cases.items()}
    ratios = {
        "cold / naive": median["2"] / median["1"],
        "no change / cold": median["3"] / median["2"],
        "one data file / (notebook alone + letter)": median["4"] / (median["8"] + median["6"]),
        "jobs 2 / jobs 1": median["5j2"] / median["5j1"],
    }
    report(cases, ratios, memory, repeats)
    add_grid_results(repeats)
    add_data_results(repeats)
    add_kernel_results(repeats)


def add_data_results(repeats: int) -> None:
    """Run the data cases (national-scale files) and add them to results.json."""
    from data_bench import data_cases

    keep_results("national_data", {"repeats": repeats, **data_cases(repeats)}, "Data")


def add_grid_results(repeats: int) -> None:
    """Run the grid cases (the 15 letters of one year) and add them to results.json."""
    from grid_bench import grid_cases

    keep_results("grid", {"repeats": repeats, **grid_cases(repeats)}, "Grid")


def add_kernel_results(repeats: int, grid: bool = True) -> None:
    """Run the forked-kernel cases and add them to results.json, under "kernels"."""
    from kernel_bench import kernel_cases

    load_before = os.getloadavg()  # 2 cores: how busy the machine was says how far to trust it
    kernels = kernel_cases(repeats, grid=grid)
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load average before (1, 5, 15 min)": [round(n, 2) for n in load_before],
        "load average after (1, 5, 15 min)": [round(n, 2) for n in os.getloadavg()],
    }
    keep_results("kernels", {"machine": machine, "repeats": repeats, **kernels}, "Kernel")


def keep_results(key: str, entry: dict, label: str) -> None:
    """Put ``entry``, stamped with when it was measured, under ``key`` in results.json."""
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.is_file() else {}
    measured = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    results[key] = {"measured": measured, **entry}
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    console.print(f"{label} results added to {RESULTS.relative_to(REPO)}")


def report(
    cases: dict[str, list[float]], ratios: dict[str, float], memory: float, repeats: int
) -> None:
    table = Table(title=f"brief benchmark ({repeats} runs per case, seconds)")
    for column in ("case", "median", "min"):
        table.add_column(column, justify="left" if column == "case" else "right")
    for key, times in cases.items():
        table.add_row(CASES[key], f"{statistics.median(times):.2f}", f"{min(times):.2f}")
    console.print(table)

    verdicts = Table(title="Targets")
    for column in ("ratio", "measured", "target", "met"):
        verdicts.add_column(column, justify="left" if column == "ratio" else "right")
    for name, value in ratios.items():
        limit, what = TARGETS[name]
        verdicts.add_row(
            f"{name} ({what})", f"{value:.3f}", f"≤ {limit:.3f}", "yes" if value <= limit else "NO"
        )
    letter = statistics.median(cases["6"])
    verdicts.add_row(
        "letter assembly (s)",
        f"{letter:.2f}",
        f"≤ {LETTER_TARGET}",
        "yes" if letter <= LETTER_TARGET else "NO",
    )
    console.print(verdicts)
    console.print(f"Peak memory of case 2 (brief and its kernels): {memory:.0f} MiB")

    RESULTS.write_text(
        json.dumps(
            {
                "measured": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "system": platform.platform(),
                },
                "repeats": repeats,
                "cases": CASES,
                "median_seconds": {k: round(statistics.median(t), 3) for k, t in cases.items()},
                "min_seconds": {k: round(min(t), 3) for k, t in cases.items()},
                "ratios": {n: round(v, 3) for n, v in ratios.items()},
                "targets": {n: round(limit, 3) for n, (limit, _) in TARGETS.items()},
                "letter_assembly_target_seconds": LETTER_TARGET,
                "peak_memory_case_2_mib": round(memory),
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    console.print(f"Written to {RESULTS.relative_to(REPO)}")


if __name__ == "__main__":
    main()
