"""What compiling the extractor as it is would buy: ``badinh_crawler/extract`` built with mypyc.

Copies the package to a temporary folder, compiles its ``extract`` modules with mypyc (a C
extension per module, from the same typed Python: no change to the code), then times
``extract_page(...).records()`` against the ``lxml.html`` parse, page by page, from the source
tree and from the compiled copy, in alternate processes (``--rounds`` each). Both must give the
same records (a digest of every record of the pages).

Needs a C compiler and the Python headers (mypyc comes with mypy, in the ``test`` extra).
Run: .venv/bin/python benchmarks/compiled_probe.py [--pages 300] [--rounds 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUILD = """
import glob
from setuptools import setup
from mypyc.build import mypycify
setup(name="badinh-crawler-compiled", ext_modules=mypycify(sorted(glob.glob("badinh_crawler/extract/*.py")), opt_level="3"))
"""

#: run with the package's folder first on sys.path: prints the records' digest and the median ratio
TIME = """
import hashlib, statistics, sys, time
sys.path.insert(0, sys.argv[1])
sys.path.insert(1, sys.argv[2])
import corpus
from lxml import html
import badinh_crawler.extract as ex
compiled = ex.__file__.endswith(".so")
pages = corpus.load()[: int(sys.argv[3])]
digest = hashlib.sha256()
for p in pages:
    for record in ex.extract_page(p.body, p.url, content_type=p.content_type).records():
        digest.update(repr(sorted(record.items())).encode())
ratios, ours = [], []
for p in pages:
    best_parse = best_ours = 1e9
    for _ in range(3):
        t0 = time.perf_counter(); html.document_fromstring(p.body); t1 = time.perf_counter()
        ex.extract_page(p.body, p.url, content_type=p.content_type).records(); t2 = time.perf_counter()
        best_parse, best_ours = min(best_parse, t1 - t0), min(best_ours, t2 - t1)
    ratios.append(best_ours / best_parse)
    ours.append(best_ours)
print(compiled, digest.hexdigest()[:16], statistics.median(ratios), statistics.median(ours) * 1e3)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="badinh-mypyc-") as tmp:
        copy = Path(tmp)
        shutil.copytree(ROOT / "badinh_crawler", copy / "badinh_crawler", ignore=shutil.ignore_patterns("__pycache__"))
        (copy / "build_compiled.py").write_text(BUILD, encoding="utf-8")
        built = subprocess.run(
            [sys.executable, "build_compiled.py", "build_ext", "--inplace"], cwd=copy, capture_output=True, text=True
        )
        if built.returncode != 0:
            sys.stderr.write(built.stdout[-4000:] + built.stderr[-4000:])
            return 1
        results: dict[bool, list[tuple[str, float, float]]] = {False: [], True: []}
        for _ in range(args.rounds):
            for package in (ROOT, copy):
                done = subprocess.run(
                    [sys.executable, "-c", TIME, str(package), str(ROOT / "benchmarks"), str(args.pages)],
                    cwd=tempfile.gettempdir(),
                    capture_output=True,
                    text=True,
                    check=True,
                )
                flag, digest, ratio, ms = done.stdout.split()
                results[flag == "True"].append((digest, float(ratio), float(ms)))
    digests = {digest for runs in results.values() for digest, _, _ in runs}
    print(f"pages: {args.pages} corpus pages; {args.rounds} runs a side, alternately, each page's fastest of 3")
    for compiled, name in ((False, "source (CPython)"), (True, "compiled (mypyc)")):
        ratios = [r for _, r, _ in results[compiled]]
        times = [m for _, _, m in results[compiled]]
        print(
            f"{name:18} extract_page {statistics.mean(times):7.3f} ms = {statistics.mean(ratios):.2f}x the lxml parse "
            f"(runs: {', '.join(f'{r:.2f}x' for r in ratios)})"
        )
    source = statistics.mean(r for _, r, _ in results[False])
    compiled_ratio = statistics.mean(r for _, r, _ in results[True])
    print(f"compiled / source: {source / compiled_ratio:.2f}x faster; same records: {'yes' if len(digests) == 1 else 'NO'}")
    print(f"command: .venv/bin/python benchmarks/compiled_probe.py --pages {args.pages} --rounds {args.rounds}")
    return 0 if len(digests) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
