"""Coverage page latency through the WSGI app: the matrix of districts × needs, its pictures and its CSV.

Through Flask's test client with a real editor's sign-in (THROTTLING=False), a real SQLite file and
search index, on the bundled Sussex sample and on synthetic directories built by
location_api_benchmark.py (places and service areas across Sussex, 1-3 needs each). The synthetic
services are given, from a fixed seed, answers for immigration status and NRPF, a language, a way of
getting help and, for some, "led by and for" and PCC commissioning (3%), so every filter has work to do.
Target: the page under 200 ms at 10k services. The matrix is kept until the directory changes, so the
first view after an edit (a listing's last change moved on, as a save does) is timed apart.

Usage, from the repo root:
    .venv/bin/python bench/coverage_benchmark.py [--sizes sample,10000] [--count 30]
"""

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_benchmark import SEED, log  # noqa: E402
from sqlmodel import Session, select  # noqa: E402
from staff_benchmark import (  # noqa: E402
    Results,
    count_services,
    latency_table,
    machine,
    make_app,
    open_page,
    peak_rss_mb,
    signed_in,
    time_each,
)

from directory.listings.queries import DELIVERY_TAXONOMY  # noqa: E402
from directory.models import (  # noqa: E402
    Answer,
    Attribute,
    ImmigrationStatus,
    Language,
    Role,
    Service,
    Taxonomy,
    TaxonomyTerm,
)

PAGES = {
    "coverage page, no filters (GET)": "/staff/coverage",
    "coverage page, all four filters (GET)": "/staff/coverage?language=pl&delivery=phone&led_by_and_for=yes"
                                             "&commissioned=yes",
    "coverage CSV, no filters (GET)": "/staff/coverage.csv",
}
TARGET_MS = 200
FIRST_AFTER_AN_EDIT = "coverage page, first view after an edit (GET)"
# The PCC commissions a few dozen of Sussex's services; 3% of 10k is still ten times that.
COMMISSIONED_SHARE = 0.03


def add_answers(app) -> None:
    """Answers, languages and ways of getting help for the synthetic services (the sample's keep their own)."""
    generator = random.Random(SEED)
    with Session(app.extensions["database"]) as session:
        delivery = session.exec(select(TaxonomyTerm.code, TaxonomyTerm.id).join(
            Taxonomy, TaxonomyTerm.taxonomy_id == Taxonomy.id).where(Taxonomy.name == DELIVERY_TAXONOMY)).all()
        synthetic = session.exec(select(Service).where(Service.last_verified_on.is_(None))).all()
        for service in synthetic:
            service.immigration_status = generator.choice(list(ImmigrationStatus))
            service.nrpf_support = generator.choice(list(Answer))
            service.led_by_and_for = Answer.YES if generator.random() < 0.2 else Answer.UNKNOWN
            service.commissioned_by_pcc = generator.random() < COMMISSIONED_SHARE
            service.last_verified_on = (None if generator.random() < 0.1
                                        else date(2025, generator.randint(1, 12), generator.randint(1, 28)))
            code = generator.choice(["pl", "ar", "ro", "en"])
            session.add(Language(id=uuid.uuid4(), service_id=service.id, code=code, name=code))
            _, term_id = generator.choice(delivery)
            session.add(Attribute(link_id=service.id, link_entity="service", link_type="delivery",
                                  taxonomy_term_id=term_id))
        session.commit()


def touch_a_listing(app, number: int) -> None:
    """What an editor's save does to the page's key: a listed service's last change moves on."""
    with Session(app.extensions["database"]) as session:
        service = session.exec(select(Service).where(Service.listed()).offset(number).limit(1)).one()
        service.last_modified = datetime.now(timezone.utc)
        session.commit()


def benchmark(size: str, count: int) -> Results:
    results = Results("sample" if size == "sample" else f"{int(size):,} synthetic")
    with tempfile.TemporaryDirectory(prefix="coverage-bench-") as folder:
        log(f"{results.label}: building the directory")
        app = make_app(Path(folder), size)
        if size != "sample":
            add_answers(app)
        results.services = count_services(app)
        client = signed_in(app, Role.EDITOR)
        for operation, path in PAGES.items():
            log(f"  {operation}")
            results.latencies[operation] = time_each(client, lambda _, path=path: open_page(client, path), count)
        # The first view after any change works the matrix out afresh; later views reuse it until the next.
        log("  coverage page just after an edit")
        results.latencies[FIRST_AFTER_AN_EDIT] = time_each(
            client, lambda number: (touch_a_listing(app, number), open_page(client, "/staff/coverage")), count)
    results.peak_rss_mb = peak_rss_mb()
    return results


def markdown(runs: list[Results], count: int, elapsed: float) -> str:
    lines = latency_table(runs)
    verdicts = [f"{run.label}: page p95 {'within' if run.latencies[next(iter(PAGES))][1] < TARGET_MS else 'OVER'} "
                f"{TARGET_MS} ms" for run in runs]
    lines += ["", "; ".join(verdicts) + ".",
              f"{count} timed requests per operation after 3 untimed. Peak RSS {peak_rss_mb():.0f} MB. "
              f"Ran in {elapsed:.0f} s on {machine()}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="sample,10000",
                        help='"sample" and/or synthetic directory sizes, comma-separated (default: %(default)s)')
    parser.add_argument("--count", type=int, default=30, help="timed requests per operation (default: %(default)s)")
    args = parser.parse_args()
    started = time.perf_counter()
    runs = [benchmark(size.strip(), args.count) for size in args.sizes.split(",")]
    print(markdown(runs, args.count, time.perf_counter() - started))


if __name__ == "__main__":
    main()
