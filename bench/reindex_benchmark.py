"""Full reindex time: `Indexer.rebuild` (what `flask search rebuild` runs) on a synthetic directory in SQLite.

Loads the sample taxonomies plus N synthetic services (location_api_benchmark.py's loader) into a real
SQLite file, then times the rebuild twice, split into reading the services and making their documents,
and the whole rebuild (documents written to Whoosh, the new generation swapped in), in seconds on the
clock and in CPU seconds (this process and the indexing processes it starts): on a busy machine the
first depends on what else runs, the second hardly.

Usage, from the repo root:
    .venv/bin/python bench/reindex_benchmark.py [--size 10000]

Target: a full reindex of 10k services in at most 30 s. Exits 1 if it is missed.
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from location_api_benchmark import _load_synthetic_directory  # noqa: E402
from search_benchmark import log  # noqa: E402
from sqlmodel import Session  # noqa: E402

from app import create_app  # noqa: E402
from directory.indexing.documents import indexable_services, service_document  # noqa: E402

TARGET_SECONDS = {10_000: 30.0}


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended (the rebuild's indexing processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reindex-") as folder:
        app = create_app({"SECRET_KEY": "bench", "LOAD_SAMPLE_DATA": False,
                          "DATABASE_URL": f"sqlite:///{folder}/directory.sqlite",
                          "SEARCH_INDEX_DIR": f"{folder}/index"})
        log(f"loading {args.size:,} synthetic services")
        _load_synthetic_directory(app, args.size)
        indexer = app.extensions["indexer"]
        lines = ["| run | read + documents | whole rebuild | its CPU time | services |", "|---|---:|---:|---:|---:|"]
        worst = 0.0
        for run in (1, 2):
            with Session(app.extensions["database"]) as session:
                started = time.perf_counter()
                documents = sum(1 for s in indexable_services(session) if service_document(s, indexer.gazetteer))
                reading = time.perf_counter() - started
            with Session(app.extensions["database"]) as session:
                started, cpu = time.perf_counter(), cpu_seconds()
                count = indexer.rebuild(session)
                session.commit()
                whole, cpu = time.perf_counter() - started, cpu_seconds() - cpu
            assert count == documents, f"indexed {count} of {documents}"
            worst = max(worst, whole)
            lines.append(f"| {run} | {reading:.1f} s | {whole:.1f} s | {cpu:.1f} s | {count:,} |")
    target = TARGET_SECONDS.get(args.size)
    lines.append("")
    if target is None:
        lines.append(f"No target at {args.size:,} services.")
    else:
        lines.append(f"{'Target met' if worst <= target else 'MISSED'}: a full reindex of {args.size:,} services "
                     f"in at most {target:.0f} s (slowest run {worst:.1f} s).")
    print("\n".join(lines))
    sys.exit(1 if target is not None and worst > target else 0)


if __name__ == "__main__":
    main()
