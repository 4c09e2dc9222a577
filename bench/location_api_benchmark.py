"""Location and API latency: searches from a place, and the Open Referral API through the WSGI app.

Part 1 times the search layer on the synthetic directories of search_benchmark.py (services
spread over Sussex): "near me" with no words (10-mile radius), and words + filters + place
(10-mile radius). Part 2 loads a synthetic directory into a real SQLite database behind the
Flask app and times `GET /api/services?search=…&postcode=…&proximity=…` through Flask's
test client, as a consumer would call it (WSGI, no network).

Usage, from the repo root:
    .venv/bin/python bench/location_api_benchmark.py [--sizes 1000,10000,100000] [--api-size 10000]
"""

import argparse
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_benchmark import (  # noqa: E402
    FILTERS,
    SEED,
    SYNONYMS_FILE,
    TEXT_QUERIES,
    WARMUP_QUERIES,
    Corpus,
    Timing,
    log,
    time_each,
)
from sqlmodel import Session, select  # noqa: E402

from search import SearchEngine, SearchRequest  # noqa: E402
from search.distance import Point  # noqa: E402

# (name, latitude, longitude, ONS district code): where people search from.
PLACES = (("Brighton", 50.8284, -0.1395, "E06000043"), ("Crawley", 51.1130, -0.1831, "E07000226"),
          ("Eastbourne", 50.7687, 0.2845, "E07000061"), ("Hastings", 50.8557, 0.5801, "E07000062"),
          ("Worthing", 50.8180, -0.3754, "E07000229"), ("Chichester", 50.8367, -0.7800, "E07000225"),
          ("Horsham", 51.0629, -0.3259, "E07000227"), ("Lewes", 50.8739, 0.0088, "E07000063"))
POSTCODES = ("BN1 1AA", "RH10 1AA", "BN21 3AA", "TN34 1AA", "BN11 1AA", "PO19 1AA", "RH12 1AA", "BN7 1AA")
RADIUS_MILES = 10.0
PROXIMITY_METRES = 16_093


def time_queries(search, requests: list) -> Timing:
    """Latency of each request after a warm-up (the steady state of a busy site)."""
    for request in requests[:WARMUP_QUERIES]:
        search(request)
    return time_each(search, requests)


def location_requests(count: int) -> dict[str, list[SearchRequest]]:
    rng = random.Random(SEED)

    def near(index: int, **words) -> SearchRequest:
        _, lat, lon, district = PLACES[index % len(PLACES)]
        return SearchRequest(point=Point(lat, lon), radius_miles=RADIUS_MILES, area_codes=(district, "SUSSEX"),
                             **words)

    return {
        "near me (10 mi)": [near(i) for i in range(count)],
        "text+filters+place (10 mi)": [
            near(i, text=TEXT_QUERIES[i % len(TEXT_QUERIES)], **rng.choice(FILTERS)) for i in range(count)
        ],
    }


def search_layer(sizes: list[int], count: int) -> list[str]:
    lines = ["| size | near me (10 mi) p50/p95 ms | text+filters+place (10 mi) p50/p95 ms |", "|---:|---:|---:|"]
    for size in sizes:
        log(f"{size:,} services: building the index")
        with tempfile.TemporaryDirectory() as folder:
            engine = SearchEngine(folder, SYNONYMS_FILE)
            engine.rebuild(Corpus(size).documents())
            timings = {name: time_queries(lambda r: engine.search(r).total, requests)
                       for name, requests in location_requests(count).items()}
            engine.close()
        lines.append(f"| {size:,} | " + " | ".join(f"{t.p50_ms:.1f} / {t.p95_ms:.1f}" for t in timings.values()) + " |")
    return lines


def _load_synthetic_directory(app, size: int) -> None:
    """The sample taxonomies plus `size` synthetic services with places, needs and areas."""
    from directory.exchange.datapackage import import_package
    from directory.models import (
        Attribute,
        Location,
        Organization,
        Service,
        ServiceArea,
        ServiceAtLocation,
        TaxonomyTerm,
    )

    with Session(app.extensions["database"]) as session:
        import_package(session, REPO / "data" / "sample", allow_fictional_phones=True)  # the sample's drama numbers
        terms = {t.code: t.id for t in session.exec(select(TaxonomyTerm)).all()}
        organization = Organization(name="Synthetic Trust", description="Benchmark data.")
        session.add(organization)
        session.flush()
        for document in Corpus(size).documents():
            service = Service(id=uuid.uuid4(), organization_id=organization.id, name=document["name"],
                              description=document["description"], national_helpline=document["latitude"] is None)
            session.add(service)
            if document["latitude"] is not None:
                location = Location(id=uuid.uuid4(), latitude=document["latitude"], longitude=document["longitude"])
                session.add(location)
                session.add(ServiceAtLocation(service_id=service.id, location_id=location.id))
            for code in document["needs"].split(","):
                session.add(Attribute(link_id=service.id, link_entity="service", link_type="need",
                                      taxonomy_term_id=terms[code]))
            for area in document["areas"].split(","):
                session.add(ServiceArea(service_id=service.id, name=area, uri=f"https://example.org/{area}"))
        session.commit()
        app.extensions["indexer"].rebuild(session)


def api_through_wsgi(size: int, count: int) -> list[str]:
    from app import create_app

    log(f"API: loading {size:,} synthetic services into SQLite and indexing them")
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "LOAD_SAMPLE_DATA": False,
                          "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite", "SEARCH_INDEX_DIR": f"{folder}/index"})
        _load_synthetic_directory(app, size)
        client = app.test_client()
        urls = [f"/api/services?search={TEXT_QUERIES[i % len(TEXT_QUERIES)].replace(' ', '+')}"
                f"&postcode={POSTCODES[i % len(POSTCODES)].replace(' ', '+')}&proximity={PROXIMITY_METRES}"
                for i in range(count)]

        def fetch(url: str) -> int:
            response = client.get(url)
            assert response.status_code == 200, response.get_data(as_text=True)
            return response.json["total_items"]

        timing: Timing = time_queries(fetch, urls)
    return [f"| {size:,} services | GET /api/services?search=…&postcode=…&proximity={PROXIMITY_METRES} | "
            f"{timing.p50_ms:.1f} / {timing.p95_ms:.1f} ms | {timing.answered:.0%} answered |"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--api-size", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    started = time.perf_counter()
    lines = search_layer([int(size) for size in args.sizes.split(",")], args.queries)
    lines += ["", "| directory | request | p50 / p95 | |", "|---|---|---:|---|"]
    lines += api_through_wsgi(args.api_size, args.queries)
    lines += ["", "Targets: p95 <= 15 ms at 10k and <= 60 ms at 100k for both location searches.",
              f"Ran in {time.perf_counter() - started:.0f} s."]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
