"""Staff and officer latency through the WSGI app: the editor, the pathway finder, the support card, import, export.

Everything goes through Flask's test client with real sign-ins (THROTTLING=False, so the
sign-in limit does not get in the way), a real SQLite file and a real search index, on the
bundled Sussex sample directory and on synthetic directories built by
location_api_benchmark.py. A listing opens on its summary (timed alone); a save is what an editor
does with the long form: open it (GET), then press "Publish changes" (POST), which commits and
refreshes the listing's search entry before it answers. Import and export are timed once each,
in seconds: the directory's own package (export.package_zip, everything, taken before any edit)
is uploaded to an empty app (the dry run) and applied, and both zip downloads are taken from the
directory.

Usage, from the repo root:
    .venv/bin/python bench/staff_benchmark.py [--sizes sample,10000] [--count 50]
"""

import argparse
import io
import os
import random
import re
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask.testing import FlaskClient  # noqa: E402
from location_api_benchmark import _load_synthetic_directory  # noqa: E402
from search_benchmark import SEED, log  # noqa: E402
from sqlmodel import Session, func, select  # noqa: E402

from directory.exchange.export import package_zip  # noqa: E402
from directory.indexing.changes import Position, changes_since  # noqa: E402
from directory.models import Role, Service  # noqa: E402
from search import SearchRequest  # noqa: E402
from tests.conftest import SAMPLE_DATA, _app  # noqa: E402
from tests.factories import csrf_token, make_user, page_form, sign_in  # noqa: E402

DESCRIPTOR = SAMPLE_DATA / "datapackage.json"
WARMUP = 3  # untimed requests before each timed run: templates compile and caches fill on the first
RENAMED_SUFFIX = " Annexe"
# The officer's two answer sets: one with the safety filters and a place, one with neither.
DOMESTIC_ABUSE = {"crime_types": "domestic_abuse", "personally_connected": "yes", "risk": "high",
                  "age_group": "18_to_64", "gender": "woman", "immigration_concern": "yes", "nrpf": "no",
                  "interpreter": "no", "children_in_household": "no", "where": "Crawley"}
FRAUD = {**DOMESTIC_ABUSE, "crime_types": "fraud", "personally_connected": "no", "risk": "standard",
         "gender": "not_said", "immigration_concern": "no", "where": ""}
CARD_SERVICES = 3


@dataclass
class Results:
    """One directory's numbers: latencies in ms per operation, one-off timings in seconds."""

    label: str
    services: int = 0
    latencies: dict[str, tuple[float, float]] = field(default_factory=dict)  # operation → (p50, p95)
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    peak_rss_mb: float = 0.0


# -- measuring -------------------------------------------------------------------------------


def percentiles(latencies: list[float]) -> tuple[float, float]:
    return statistics.median(latencies), statistics.quantiles(latencies, n=100, method="inclusive")[94]


class TimedClient(FlaskClient):
    """A test client that adds up the time spent inside the app, so reading pages back
    (finding a form's fields, as a browser would) is left out of the timings."""

    spent = 0.0

    def open(self, *args, **kwargs):
        start = time.perf_counter()
        try:
            return super().open(*args, **kwargs)
        finally:
            self.spent += time.perf_counter() - start


def time_each(client: TimedClient, request: Callable[[int], object], count: int) -> tuple[float, float]:
    """p50 and p95 in ms of the app's time for `count` calls (numbered, so each may pick its listing),
    after WARMUP untimed ones. A call may make several requests: a save is a GET and a POST."""
    for number in range(WARMUP):
        request(number)
    latencies = []
    for number in range(WARMUP, WARMUP + count):
        client.spent = 0.0
        request(number)
        latencies.append(client.spent * 1000)
    return percentiles(latencies)


def once(action: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    outcome = action()
    return time.perf_counter() - start, outcome


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# -- the apps --------------------------------------------------------------------------------


def make_app(folder: Path, size: str):
    """The sample directory, an empty one ("empty"), or the sample taxonomies plus `size` synthetic services."""
    config = {"THROTTLING": False, "IMPORT_UPLOAD_DIR": str(folder / "uploads")}
    app = _app(folder, load_sample=size == "sample", **config)
    app.test_client_class = TimedClient
    if size not in ("sample", "empty"):
        _load_synthetic_directory(app, int(size))
    return app


def signed_in(app, role: Role):
    client = app.test_client()
    with Session(app.extensions["database"], expire_on_commit=False) as session:
        user = make_user(session, role, email=f"bench-{role.value}@example.org")
    response = sign_in(client, user)
    assert response.status_code == 302, "sign-in failed"
    return client


def open_page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, f"{path}: {response.status}"
    return response.get_data(as_text=True)


def count_services(app) -> int:
    with Session(app.extensions["database"]) as session:
        return session.exec(select(func.count(Service.id))).one()


def listings_to_edit(app, count: int) -> list[str]:
    """A fixed-seed choice of published listings, so each save is a different listing where possible."""
    with Session(app.extensions["database"]) as session:
        ids = sorted(str(i) for i in session.exec(select(Service.id).where(Service.listed())).all())
    return random.Random(SEED).sample(ids, min(len(ids), count + WARMUP))


# -- the editor ------------------------------------------------------------------------------


def open_summary(client, service_id: str) -> str:
    return open_page(client, f"/staff/services/{service_id}")


def open_editor(client, service_id: str) -> str:
    """The long form ("Edit all on one page"): every section at once, the heaviest page to draw."""
    return open_page(client, f"/staff/services/{service_id}/all")


def save(client, service_id: str, rename: bool) -> str:
    """Open the editor and publish, as is or with the name toggled; returns the name saved."""
    form = page_form(open_editor(client, service_id))
    if rename:
        name = form["name"]
        form["name"] = name.removesuffix(RENAMED_SUFFIX) if name.endswith(RENAMED_SUFFIX) else name + RENAMED_SUFFIX
    form["publish"] = "y"
    response = client.post(f"/staff/services/{service_id}/all", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return form["name"]


def editor(app, count: int, results: Results) -> None:
    client = signed_in(app, Role.EDITOR)
    ids = listings_to_edit(app, count)

    def pick(number: int) -> str:
        return ids[number % len(ids)]

    results.latencies["open the listing's summary (GET)"] = time_each(client, lambda n: open_summary(client, pick(n)),
                                                                      count)
    results.latencies["open the long form (GET)"] = time_each(client, lambda n: open_editor(client, pick(n)), count)
    results.latencies["save, no change (GET + POST)"] = time_each(client, lambda n: save(client, pick(n), False),
                                                                  count)
    last = {}
    results.latencies["save, name changed (GET + POST)"] = time_each(
        client, lambda n: last.update(id=pick(n), name=save(client, pick(n), True)), count)
    check_index(app, last["id"], last["name"])


def check_index(app, service_id: str, name: str) -> None:
    """The save answered after refreshing the search entry: the new name finds the listing, nothing waits."""
    hits = app.extensions["indexer"].engine.search(SearchRequest(text=name)).hits
    assert service_id in [hit.service_id for hit in hits], f"renamed listing not found by {name!r}"
    assert queued_index_updates(app) == 0, "index updates left queued"


# -- the officer -----------------------------------------------------------------------------


def officer(app, count: int, results: Results) -> None:
    client = signed_in(app, Role.OFFICER)
    blank = page_form(open_page(client, "/pathway"))

    def pathway(answers: dict) -> str:
        form = blank.copy()
        for key, value in answers.items():
            form[key] = value
        response = client.post("/pathway", data=form)
        assert response.status_code == 200 and "govuk-error-summary" not in response.get_data(as_text=True)
        return response.get_data(as_text=True)

    results.latencies["pathway: domestic abuse + immigration, Crawley (POST)"] = time_each(
        client, lambda _: pathway(DOMESTIC_ABUSE), count)
    results.latencies["pathway: fraud, no place (POST)"] = time_each(client, lambda _: pathway(FRAUD), count)

    page = pathway(DOMESTIC_ABUSE)
    card = page_form(page, index=-2)  # the card form (the last is "Change the answers")
    offered = re.findall(r'name="services" type="checkbox" value="([0-9a-f-]{36})"', page)
    assert len(offered) >= CARD_SERVICES, f"the pathway offered {len(offered)} services"
    card.setlist("services", offered[:CARD_SERVICES])
    card["language"] = "en"

    def make_card(_: int) -> None:
        response = client.post("/pathway/card", data=card)
        assert response.status_code == 200 and "<svg" in response.get_data(as_text=True)

    results.latencies[f"support card, {CARD_SERVICES} services (POST)"] = time_each(client, make_card, count)


# -- import and export -----------------------------------------------------------------------


def export(app, results: Results) -> None:
    """Both downloads as an admin would take them (only admins may export everything)."""
    client = signed_in(app, Role.ADMIN)
    sizes = []
    for name in ("everything", "public"):
        seconds, response = once(lambda: client.get(f"/staff/export/{name}.zip"))
        assert response.status_code == 200, response.status
        results.seconds[f"export {name}.zip (GET)"] = seconds
        sizes.append(f"{name}.zip {len(response.data) / 1024:,.0f} KB")
    results.notes.append(", ".join(sizes))


def directory_package(app) -> bytes:
    """The whole directory as built (every listing, published or not), to import elsewhere."""
    with Session(app.extensions["database"]) as session:
        return package_zip(session, DESCRIPTOR, public_only=False)


def import_into_empty_app(package: bytes, results: Results, expected_services: int) -> None:
    """Upload the package to an empty app (the dry run), then apply it, as an editor would."""
    with tempfile.TemporaryDirectory(prefix="staff-bench-import-") as folder:
        app = make_app(Path(folder), "empty")
        client = signed_in(app, Role.EDITOR)
        token = csrf_token(client, "/staff/import")
        seconds, response = once(lambda: client.post(
            "/staff/import", data={"csrf_token": token, "file": (io.BytesIO(package), "package.zip")},
            content_type="multipart/form-data"))
        preview = response.get_data(as_text=True)
        assert response.status_code == 200 and "Check what this import will change" in preview, preview[:2000]
        results.seconds["import dry run (POST /staff/import)"] = seconds
        seconds, response = once(lambda: client.post("/staff/import/apply", data=page_form(preview)))
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
        results.seconds["import apply (POST /staff/import/apply)"] = seconds
        imported = count_services(app)
        assert imported == expected_services, f"imported {imported} of {expected_services} services"
        queued = queued_index_updates(app)
        # A search first refreshes what is still queued, so the first visitor after an import pays for it.
        seconds, response = once(lambda: app.test_client().get("/search?q=domestic+abuse"))
        assert response.status_code == 200, response.status
        results.seconds["first public search after the import (GET /search)"] = seconds
        if queued:
            results.notes.append(f"after the import, {queued:,} search index updates were still queued "
                                 f"({queued_index_updates(app):,} after the first search)")


def queued_index_updates(app) -> int:
    """Lines of the change log this app's index has not applied yet."""
    position = Position.from_record(app.extensions["indexer"].engine.position())
    with Session(app.extensions["database"]) as session:
        return len(changes_since(session, position, time.time(), 10**9))


# -- running ---------------------------------------------------------------------------------


def benchmark(size: str, count: int) -> Results:
    results = Results("sample" if size == "sample" else f"{int(size):,} synthetic")
    with tempfile.TemporaryDirectory(prefix="staff-bench-") as folder:
        log(f"{results.label}: building the directory")
        seconds, app = once(lambda: make_app(Path(folder), size))
        results.services = count_services(app)
        log(f"  {results.services:,} services in {seconds:.0f} s; exporting")
        package = directory_package(app)  # before any edit, so the import brings the directory as built
        export(app, results)
        log("  officer pathway and support card")
        officer(app, count, results)
        log("  editor")
        editor(app, count, results)
    log("  import into an empty app")
    import_into_empty_app(package, results, results.services)
    results.peak_rss_mb = peak_rss_mb()
    log(f"  peak RSS so far {results.peak_rss_mb:.0f} MB")
    return results


def machine() -> str:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown CPU")
    return f"{os.cpu_count()} CPUs ({len(os.sched_getaffinity(0))} usable), {model}, Python {sys.version.split()[0]}"


def latency_table(runs: list[Results]) -> list[str]:
    """The Markdown lines of a table of p50 / p95 latencies: an operation a row, a directory a column."""
    heads = " | ".join(f"{run.label} ({run.services:,} services)" for run in runs)
    lines = [f"| p50 / p95 ms | {heads} |", "|---|" + "---:|" * len(runs)]
    for operation in runs[0].latencies:
        cells = " | ".join("{:.1f} / {:.1f}".format(*run.latencies[operation]) for run in runs)
        lines.append(f"| {operation} | {cells} |")
    return lines


def markdown(runs: list[Results], count: int, elapsed: float) -> str:
    heads = " | ".join(f"{run.label} ({run.services:,} services)" for run in runs)
    lines = latency_table(runs)
    lines += ["", f"| seconds | {heads} |", "|---|" + "---:|" * len(runs)]
    for operation in runs[0].seconds:
        lines.append(f"| {operation} | " + " | ".join(f"{run.seconds[operation]:.2f}" for run in runs) + " |")
    lines.append("| peak RSS so far, MB | " + " | ".join(f"{run.peak_rss_mb:.0f}" for run in runs) + " |")
    lines += [""] + [f"- {run.label}: {note}" for run in runs for note in run.notes]
    lines += ["", f"{count} timed requests per operation after {WARMUP} untimed; a save includes its search index "
                  f"update. Peak RSS of the whole run: {peak_rss_mb():.0f} MB. Ran in {elapsed:.0f} s on {machine()}."]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="sample,10000",
                        help='"sample" and/or synthetic directory sizes, comma-separated (default: %(default)s)')
    parser.add_argument("--count", type=int, default=50, help="timed requests per operation (default: %(default)s)")
    args = parser.parse_args()
    started = time.perf_counter()
    runs = [benchmark(size.strip(), args.count) for size in args.sizes.split(",")]
    print(markdown(runs, args.count, time.perf_counter() - started))


if __name__ == "__main__":
    main()
