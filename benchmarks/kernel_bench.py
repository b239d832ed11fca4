"""The kernel cases of the benchmark: kernels forked from the zygote against plain kernels.

Side by side in one run, on fresh copies of the example project, each case with forked
kernels (the default) and with ``BRIEF_KERNELS=plain`` (kernels started as jupyter_client
starts them, as brief did before):

- k1 the fixed cost of a notebook run: an empty notebook through brief
  (``brief.build.run.run_notebook``), the zygote already warm; and a notebook that only
  imports what the chapter notebooks import (brief, its charts and indicators);
- k2 ``brief build 2023 --force --jobs 1`` against the naive loop (papermill CLI per
  notebook, then a docxtpl script: case 1 of benchmarks/run.py);
- k3 a data-correction rebuild: ``brief build 2023`` after data/ouderen.csv changed
  (two notebooks rerun); also with brief as it was when issue 26 was measured
  (commit 0897787: plain kernels only, "today's plain-kernel rebuild"), taken from this
  repository's history and run in the same environment, on its own example project;
- k4 ``brief build 2024 --per area --force`` (15 letters) against fifteen naive letters,
  with the peak memory of brief and all its processes, counted as PSS (proportional set
  size: a page shared by n processes counts 1/n in each), so pages that forked kernels
  share are counted once, as the machine's memory holds them.

    .venv/bin/python benchmarks/run.py --kernels-only --repeats 3
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import run as bench  # benchmarks/run.py, the harness these cases share
from grid_bench import GRID_YEAR, naive_grid

BASELINE = "0897787"  # the commit issue 26 measured on, before forked kernels

KERNEL_CASES = {
    "k1_empty": "k1 an empty notebook through brief, kernel start to notebook written",
    "k1_imports": "k1 a notebook importing brief, charts and indicators",
    "k2": f"k2 brief build {bench.YEAR} --force --jobs 1",
    "k2_naive": "k2 naive: papermill CLI per notebook, then a docxtpl script",
    "k3": f"k3 brief build {bench.YEAR} after {bench.EDITED_DATA} changed",
    "k3_baseline": f"k3 the same with brief at {BASELINE} (the issue's today: plain kernels)",
    "k4": f"k4 brief build {GRID_YEAR} --per area --force (15 letters)",
    "k4_naive": "k4 naive: 15 letters by papermill CLI and docxtpl script",
}
TARGETS = {  # ratio: (highest allowed, what it compares)
    "notebook fixed cost, forked (s)": (0.15, "k1_empty, forked, seconds"),
    "build --force --jobs 1 / naive": (0.3, "k2 forked / k2_naive"),
    "15-letter grid / 15 naive letters": (0.12, "k4 forked / k4_naive"),
    "data-correction rebuild / today's rebuild": (0.5, f"k3 forked / k3 at {BASELINE}"),
    "data-correction rebuild / plain kernels": (0.5, "k3 forked / k3 plain, stricter"),
    "grid peak memory / plain kernels": (1.0, "k4 PSS forked / k4 PSS plain"),
}

FIXED_COST = """
import json, statistics, sys, time
from pathlib import Path
import nbformat
from brief.build.kernels import warm_kernels
from brief.build.run import import_notebook_libraries, run_notebook

folder, repeats, code = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
notebook = nbformat.v4.new_notebook()
parameters = nbformat.v4.new_code_cell("year = 2023")
parameters.metadata["tags"] = ["parameters"]
notebook.cells = [parameters] + ([nbformat.v4.new_code_cell(code)] if code else [])
source = folder / "notebooks" / "00-leeg.ipynb"
source.parent.mkdir(parents=True, exist_ok=True)
nbformat.write(notebook, source)
import_notebook_libraries()
times = []
with warm_kernels():
    for repeat in range(repeats + 1):  # the first run waits for the zygote: not counted
        started = time.perf_counter()
        run_notebook(source, folder / "out" / f"{repeat}.ipynb", 2023, failed_dir=folder / "f")
        times.append(time.perf_counter() - started)
print(json.dumps(times[1:]))
"""
CHAPTER_IMPORTS = "import brief\nfrom brief import charts\nfrom brief import indicators as ind"


def with_kernels(how: str) -> dict[str, str]:
    return {**os.environ, "BRIEF_KERNELS": how}


def fixed_cost(how: str, code: str, repeats: int) -> list[float]:
    import json

    with tempfile.TemporaryDirectory(prefix="brief-bench-k1-") as folder:
        done = subprocess.run(
            [sys.executable, "-c", FIXED_COST, folder, str(repeats), code],
            capture_output=True,
            text=True,
            env=with_kernels(how),
        )
    if done.returncode != 0:
        raise SystemExit(f"Benchmark case k1 failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(command: list[str], cwd: Path, how: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=with_kernels(how))
    if done.returncode != 0:
        raise SystemExit(f"Benchmark command failed: {' '.join(command)}\n{done.stderr}")
    return time.perf_counter() - started


def correct_data(project: Path) -> None:
    """Change the edited data file's value to the other one, whichever it holds now."""
    path = project / bench.EDITED_DATA
    text = path.read_text(encoding="utf-8")
    old, new = bench.EDIT if bench.EDIT[0] in text else bench.EDIT[::-1]
    if old not in text:
        raise SystemExit(f"Benchmark case k3: {path} holds neither {bench.EDIT}")
    path.write_text(text.replace(old, new), encoding="utf-8")


def baseline_project(folder: Path) -> tuple[Path, dict[str, str]] | None:
    """Return (example project, environment) of brief at BASELINE, from this repository's
    history, in ``folder``; None when the history lacks it (a shallow clone)."""
    source = folder / "baseline"
    source.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(bench.REPO), "archive", "--format=tar", BASELINE],
        capture_output=True,
    )
    if archive.returncode != 0:
        bench.console.print(f"k3 at {BASELINE}: not in this repository's history, skipped")
        return None
    subprocess.run(["tar", "-x", "-C", str(source)], input=archive.stdout, check=True)
    project = folder / "baseline-project"
    for part in ("data", "notebooks", "params", "templates"):
        shutil.copytree(source / part, project / part)
    shutil.copy(source / "brief.yaml", project / "brief.yaml")
    # Its own code first on the path, here and in its kernels (which inherit the variable).
    return project, {**os.environ, "PYTHONPATH": str(source / "src"), "BRIEF_KERNELS": "plain"}


def baseline_rebuilds(repeats: int) -> list[float]:
    """k3 with brief at BASELINE: a cold build first, then ``repeats`` corrections."""
    command = [sys.executable, "-m", "brief", "build", str(bench.YEAR)]
    with tempfile.TemporaryDirectory(prefix="brief-bench-baseline-") as folder:
        found = baseline_project(Path(folder))
        if found is None:
            return []
        project, env = found
        subprocess.run(command, cwd=project, capture_output=True, env=env, check=True)

        def one_edit(_repeat: int) -> float:
            correct_data(project)
            started = time.perf_counter()
            subprocess.run(command, cwd=project, capture_output=True, env=env, check=True)
            return time.perf_counter() - started

        return measure(KERNEL_CASES["k3_baseline"], repeats, one_edit)


def peak_pss(command: list[str], cwd: Path, how: str) -> float:
    """Run ``command``; return the peak PSS (MiB) of it and all its processes together."""
    process = psutil.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=with_kernels(how)
    )
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            total = 0
            try:
                tree = [process, *process.children(recursive=True)]
            except psutil.Error:
                continue
            for member in tree:
                with contextlib.suppress(psutil.Error):  # it ended meanwhile
                    total += member.memory_full_info().pss
            peak = max(peak, total)
            time.sleep(0.1)

    sampler = threading.Thread(target=sample)
    sampler.start()
    process.wait()
    sampler.join()
    return peak / 2**20


def measure(label: str, repeats: int, once) -> list[float]:
    times = []
    for repeat in range(repeats):
        with bench.console.status(f"{label}: run {repeat + 1} of {repeats}"):
            times.append(once(repeat))
    bench.console.print(f"{label}: median {statistics.median(times):.2f} s, min {min(times):.2f} s")
    return times


def kernel_cases(repeats: int, grid: bool = True) -> dict:
    """Run the kernel cases and return medians, ratios and memory, for results.json."""
    cases: dict[str, dict[str, list[float]]] = {key: {} for key in KERNEL_CASES}
    memory: dict[str, float] = {}
    ways = ("fork", "plain")
    for how in ways:
        for key, code in (("k1_empty", ""), ("k1_imports", CHAPTER_IMPORTS)):
            with bench.console.status(f"{KERNEL_CASES[key]} ({how})"):
                cases[key][how] = fixed_cost(how, code, max(repeats, 5))
            median = statistics.median(cases[key][how])
            bench.console.print(f"{KERNEL_CASES[key]} ({how}): median {median:.2f} s")
    with tempfile.TemporaryDirectory(prefix="brief-bench-kernels-") as folder:
        project = bench.copy_project(Path(folder) / "project")
        cases["k2_naive"]["plain"] = measure(
            KERNEL_CASES["k2_naive"], repeats, lambda _: bench.naive(project)
        )
        build = bench.brief("build", str(bench.YEAR), "--force", "--jobs", "1")
        rebuild = bench.brief("build", str(bench.YEAR))
        for how in ways:
            cases["k2"][how] = measure(
                f"{KERNEL_CASES['k2']} ({how})", repeats, lambda _, h=how: timed(build, project, h)
            )

            def one_edit(_repeat: int, how: str = how) -> float:
                correct_data(project)
                return timed(rebuild, project, how)

            cases["k3"][how] = measure(f"{KERNEL_CASES['k3']} ({how})", repeats, one_edit)
        baseline = baseline_rebuilds(repeats)
        if baseline:
            cases["k3_baseline"]["plain"] = baseline
        if grid:
            letters = bench.brief("build", str(GRID_YEAR), "--per", "area", "--force")
            naive = cases["k4_naive"]["plain"] = [naive_grid(project)]
            bench.console.print(f"{KERNEL_CASES['k4_naive']}: {naive[0]:.1f} s")
            for how in ways:
                cases["k4"][how] = [timed(letters, project, how)]
                bench.console.print(f"{KERNEL_CASES['k4']} ({how}): {cases['k4'][how][0]:.1f} s")
                with bench.console.status(f"peak memory of k4 ({how})"):
                    memory[how] = peak_pss(letters, project, how)
                bench.console.print(f"peak PSS of k4 ({how}): {memory[how]:.0f} MiB")

    median = {
        key: {how: round(statistics.median(times), 3) for how, times in by_way.items()}
        for key, by_way in cases.items()
        if by_way
    }
    ratios = {
        "notebook fixed cost, forked (s)": median["k1_empty"]["fork"],
        "build --force --jobs 1 / naive": median["k2"]["fork"] / median["k2_naive"]["plain"],
        "data-correction rebuild / plain kernels": median["k3"]["fork"] / median["k3"]["plain"],
    }
    if "k3_baseline" in median:
        ratios["data-correction rebuild / today's rebuild"] = (
            median["k3"]["fork"] / median["k3_baseline"]["plain"]
        )
    if grid:
        ratios["15-letter grid / 15 naive letters"] = (
            median["k4"]["fork"] / median["k4_naive"]["plain"]
        )
        ratios["grid peak memory / plain kernels"] = memory["fork"] / memory["plain"]
    verdicts = bench.Table(title="Kernel targets (forked kernels)")
    for column in ("ratio", "measured", "target", "met"):
        verdicts.add_column(column, justify="left" if column == "ratio" else "right")
    for name, value in ratios.items():
        limit, what = TARGETS[name]
        met = "yes" if value <= limit else "NO"
        verdicts.add_row(f"{name} ({what})", f"{value:.3f}", f"≤ {limit:.2f}", met)
    bench.console.print(verdicts)
    return {
        "cases": KERNEL_CASES,
        "median_seconds": median,
        "min_seconds": {
            key: {how: round(min(times), 3) for how, times in by_way.items()}
            for key, by_way in cases.items()
            if by_way
        },
        "ratios": {name: round(value, 3) for name, value in ratios.items()},
        "targets": {name: limit for name, (limit, _) in TARGETS.items()},
        "peak_pss_k4_mib": {how: round(value) for how, value in memory.items()},
        "plain_over_fork": {
            key: round(by_way["plain"] / by_way["fork"], 2)
            for key, by_way in median.items()
            if {"plain", "fork"} <= set(by_way)
        },
    }
