"""``python -m bench`` (``make bench``): run every benchmark section and print one JSON document of figures.

Each section runs in its own process (so one section's imports, threads or CPU pinning cannot distort another)
and reports its data and method beside its figures. ``python -m bench text lexicon`` runs only those sections;
``python -m bench --section text`` runs one section in this process. Benchmarks never gate CI.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime

from bench.corpus import ROOT

# section -> (module, timeout in seconds, environment overrides)
SECTIONS: dict[str, tuple[str, int, dict[str, str]]] = {
    "text": ("bench.text", 150, {"OMP_NUM_THREADS": "1"}),
    "http": ("bench.http", 200, {}),
    "lexicon": ("bench.lexicon", 120, {}),
    "images": ("bench.images", 240, {}),  # provided by the image detectors, when present
    "classifier": ("bench.classifier", 200, {"OMP_NUM_THREADS": "1"}),  # provided by the classifier, when present
    "hostile_images": ("bench.hostile_images", 400, {}),
    "grading": ("bench.grading", 120, {"OMP_NUM_THREADS": "1"}),
    "reports": ("bench.reports", 300, {}),
    "statistics_db": ("bench.statistics_db", 300, {}),
    "review": ("bench.review", 300, {}),  # sign-in floods, screenshot uploads, audit verification
    "similarity": ("bench.similarity", 400, {"OMP_NUM_THREADS": "1"}),
    "scaleout": ("bench.scaleout", 420, {}),  # 1/2/4 API processes + a worker on one PostgreSQL
    "qualification": ("bench.qualification", 300, {}),  # the worker's qualification duty, credit, account page
    "rescreen": ("bench.rescreen", 300, {"OMP_NUM_THREADS": "1"}),  # stored contents through a candidate
    # 1M synthetic documents on the batch engine: index build, queries, a sweep, Ray 1 vs 2 workers
    "batch": ("bench.batch", 3600, {"OMP_NUM_THREADS": "1"}),
}


def _present(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def run_section(name: str) -> dict:
    module, timeout, overrides = SECTIONS[name]
    env = {**os.environ, **overrides, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "bench", "--section", name], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout} s"}
    seconds = round(time.perf_counter() - started, 1)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1], "exit_status": done.returncode,
                "seconds": seconds}
    return {**json.loads(done.stdout), "seconds": seconds}


def run_all(names: list[str]) -> dict:
    from qinglang import __version__

    started = time.perf_counter()
    document = {
        "qinglang": __version__,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                    "processor": platform.processor() or platform.machine(),
                    "load_average_at_start": [round(x, 2) for x in os.getloadavg()]},
        "sections": {},
    }
    for name in names:
        if not _present(SECTIONS[name][0]):
            document["sections"][name] = {"skipped": f"{SECTIONS[name][0]} is not in this checkout"}
            continue
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        document["sections"][name] = run_section(name)
    document["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    document["total_s"] = round(time.perf_counter() - started, 1)
    return document


def main(argv: list[str]) -> int:
    if argv[:1] == ["--section"]:
        result = importlib.import_module(SECTIONS[argv[1]][0]).run()
        print(json.dumps(result, ensure_ascii=False))
        return 0
    unknown = [name for name in argv if name not in SECTIONS]
    if unknown:
        print(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    print(json.dumps(run_all(argv or list(SECTIONS)), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
