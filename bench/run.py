#!/usr/bin/env python3
"""Benchmark lint500 on the pinned corpus against its own floor (walk + read + parse only).

Usage: python3 bench/run.py [--corpus DIR] [--runs N]

Builds the release binary, builds the corpus with ../shared/bench/corpus.sh when it is missing,
then times each configuration N times (best run counts) and reads peak memory from
/usr/bin/time. Prints the ratios the project tracks:
  full lint / walk+parse on the same thread count   (target <= 1.3)
  1 thread / 2 threads for the full lint            (target >= 1.7)
  peak resident memory of the full lint             (target < 150 MB)
  warm / cold with the cache, 2 threads             (target <= 0.10)
The cache is off (--no-cache) but for the last: a cold run fills an empty cache, the warm run
after it reads it on the unchanged corpus, and both must print the same report.
Machines are shared and noisy: compare ratios from one run, not seconds across runs.
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
BINARY = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "lint500"


def build_corpus(corpus: pathlib.Path) -> None:
    if (corpus / "CORPUS.txt").exists():
        return
    script = ROOT.parent / "shared" / "bench" / "corpus.sh"
    if not script.exists():
        sys.exit(f"no corpus at {corpus} and no {script} to build it")
    subprocess.run(["bash", str(script), str(corpus)], check=True)


def measure(args: list[str], corpus: pathlib.Path) -> tuple[float, int]:
    """(seconds, peak KiB) of one run; findings exit with 1, which is fine here."""
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", str(BINARY), *args, "--format", "json", str(corpus)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if result.returncode not in (0, 1):
        sys.exit(f"lint500 {' '.join(args)} failed with {result.returncode}:\n{result.stderr[-2000:]}")
    seconds, kib = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kib)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=pathlib.Path, default=ROOT.parent / "bench-corpus")
    parser.add_argument("--runs", type=int, default=3)
    options = parser.parse_args()
    corpus = options.corpus.resolve()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    build_corpus(corpus)

    configurations = {
        "parse 1t": ["--parse-only", "--threads", "1"],
        "parse 2t": ["--parse-only", "--threads", "2"],
        "lint 1t": ["--threads", "1", "--no-cache"],
        "lint 2t": ["--threads", "2", "--no-cache"],
    }
    best = {name: (float("inf"), 0) for name in configurations}
    # Interleave the configurations so that a noisy moment hits them all alike.
    for _ in range(options.runs):
        for name, args in configurations.items():
            seconds, kib = measure(args, corpus)
            best[name] = (min(best[name][0], seconds), max(best[name][1], kib))

    cold, warm = measure_cache(corpus, options.runs)
    best["cold 2t"] = (cold, 0)
    best["warm 2t"] = (warm, 0)

    for name, (seconds, kib) in best.items():
        print(f"{name:9} {seconds:7.2f} s  peak {kib / 1024:6.1f} MiB")
    print(f"lint / parse, 1 thread:   {best['lint 1t'][0] / best['parse 1t'][0]:.3f}  (target <= 1.3)")
    print(f"lint / parse, 2 threads:  {best['lint 2t'][0] / best['parse 2t'][0]:.3f}  (target <= 1.3)")
    print(f"1 thread / 2 threads:     {best['lint 1t'][0] / best['lint 2t'][0]:.3f}  (target >= 1.7)")
    print(f"peak memory, lint 2t:     {best['lint 2t'][1] / 1024:.1f} MiB  (target < 150 MB)")
    print(f"warm / cold, 2 threads:   {warm / cold:.3f}  (target <= 0.10)")


def measure_cache(corpus: pathlib.Path, runs: int) -> tuple[float, float]:
    """The best (cold, warm) seconds of runs with a cache of their own: cold fills an empty
    cache, warm reads it. Exits when the two reports differ."""
    best_cold, best_warm = float("inf"), float("inf")
    for _ in range(runs):
        cache = pathlib.Path(tempfile.mkdtemp(prefix="lint500-bench-cache-"))
        try:
            args = [str(BINARY), "--threads", "2", "--cache-dir", str(cache), "--format", "json", str(corpus)]
            reports = []
            for label in ("cold", "warm"):
                start = time.perf_counter()
                result = subprocess.run(args, capture_output=True, text=True)
                elapsed = time.perf_counter() - start
                if result.returncode not in (0, 1):
                    sys.exit(f"lint500 ({label} cache) failed with {result.returncode}:\n{result.stderr[-2000:]}")
                reports.append(result.stdout)
                if label == "cold":
                    best_cold = min(best_cold, elapsed)
                else:
                    best_warm = min(best_warm, elapsed)
            if reports[0] != reports[1]:
                sys.exit("the warm run's report differs from the cold run's")
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    return best_cold, best_warm


if __name__ == "__main__":
    main()
