"""Throughput under the production server: requests a second on gunicorn, the public pages side by side.

Builds a directory (the bundled sample, or the sample taxonomies plus N synthetic services) in a
temporary folder, starts gunicorn with the repo's gunicorn.conf.py and the app factory (2 workers,
THROTTLING off so two workers may count apart), and drives each page with wrk (Debian's package
`wrk`) for a fixed time after a warm-up: the home page, searches with words and a place, words only
and a place only, and a service page; then home, a search and a service page again, each request at
an address no worker has in memory (directory/web/page_cache.py), to show what drawing costs.
(autocannon mistimes a server that closes each connection, as gunicorn's sync workers do: it queues
the next request on the closing socket.) Every page is measured in the same run, so the ratios to
the home page hold even on a busy machine, where the absolute numbers do not.

Usage, from the repo root:
    .venv/bin/python bench/throughput.py                  # sample directory, 10 s a page
    .venv/bin/python bench/throughput.py --directory 10000 --seconds 5
    .venv/bin/python bench/throughput.py --smoke          # 1 s a page: every page answers, no errors

Exits 1 if a page answered with an error, or (not in --smoke) if a target was missed: the targets are
for the pages as visitors get them; the pages drawn afresh are reported, each as a share of home drawn
afresh.
"""

import argparse
import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_benchmark import log  # noqa: E402

# wrk's report as one line of JSON (its Lua hook), latencies in microseconds. FRESH_ADDRESSES is set on
# the pages drawn afresh: each request then adds a number no other request (of either thread) used.
WRK_REPORT = """
counter = 0
prefix = tostring({}):match("0x(%x+)")
request = function()
  if not FRESH_ADDRESSES then return wrk.format() end
  counter = counter + 1
  local joint = wrk.path:find("?", 1, true) and "&" or "?"
  return wrk.format(nil, wrk.path .. joint .. "fresh=" .. prefix .. "-" .. counter)
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests": %d, "microseconds": %d, "p50": %d, "p99": %d, "errors": %d, "non2xx": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""
HOME = "home"
# A page "drawn afresh" is asked for at a new address each time (an extra, ignored parameter), so no
# worker has it in memory (directory/web/page_cache.py): what a search nobody made this minute costs.
FRESH = ", drawn afresh"
# (what, address): the service page's address is filled in once the directory is built.
PAGES = (
    (HOME, "/"),
    ("search: words + place", "/search?q=domestic+abuse&where=Brighton"),
    ("search: words + postcode + filter", "/search?q=rape&where=BN1+1AA&category=sexual-violence"),
    ("search: words only", "/search?q=stalking"),
    ("search: place only", "/search?where=Crawley"),
    ("service page", None),
    (HOME + FRESH, "/"),
    ("search: words + place" + FRESH, "/search?q=domestic+abuse&where=Brighton"),
    ("service page" + FRESH, None),
)
# Targets: each search and the service page at least this share of the home page's rate, and searches
# at least this many a second.
SHARE_OF_HOME = 0.5
SEARCH_REQUESTS_A_SECOND = 300
WORKERS = 2


@dataclass
class Load:
    page: str
    path: str
    per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_directory(folder: Path, directory: str) -> str:
    """Load the directory and its index; returns the address of a service page a search leads to."""
    from location_api_benchmark import _load_synthetic_directory
    from sqlmodel import Session

    from app import create_app
    from search import SearchRequest

    app = create_app({"SECRET_KEY": "bench", "LOAD_SAMPLE_DATA": directory == "sample",
                      "DATABASE_URL": f"sqlite:///{folder / 'directory.sqlite'}",
                      "SEARCH_INDEX_DIR": str(folder / "index")})
    if directory != "sample":
        _load_synthetic_directory(app, int(directory))
    with Session(app.extensions["database"]) as session:
        hits = app.extensions["indexer"].search(session, SearchRequest(text="domestic abuse")).hits
    app.extensions["database"].dispose()
    app.extensions["indexer"].engine.close()
    return f"/services/{hits[0].service_id}"


def start_gunicorn(folder: Path, port: int) -> subprocess.Popen:
    environment = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{folder / 'directory.sqlite'}",
                   "SEARCH_INDEX_DIR": str(folder / "index"), "SECRET_KEY": secrets.token_hex(32),
                   "LOAD_SAMPLE_DATA": "0", "SESSION_COOKIE_SECURE": "0", "THROTTLING": "0"}
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "-w", str(WORKERS), "--bind",
               f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "app:create_app()"]
    server = subprocess.Popen(command, cwd=REPO, env=environment, stdout=(folder / "gunicorn.log").open("w"),
                              stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped:\n{(folder / 'gunicorn.log').read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit(f"gunicorn not ready after 120 s:\n{(folder / 'gunicorn.log').read_text()}")


def wrk(url: str, seconds: float, connections: int, script: Path) -> dict:
    command = ["wrk", "--threads", "2", "--connections", str(connections), "--duration", f"{seconds:g}s",
               "--script", str(script), url]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(finished.stdout.strip().splitlines()[-1])


def measure(base: str, page: str, path: str, seconds: float, warm_up: float, connections: int,
            script: Path) -> Load:
    """Requests a second over `seconds`, after `warm_up` seconds untimed (each worker's caches and searcher)."""
    if page.endswith(FRESH):
        script = script.with_name("fresh.lua")
    wrk(base + path, warm_up, connections, script)
    report = wrk(base + path, seconds, connections, script)
    return Load(page, path, report["requests"] / (report["microseconds"] / 1e6), report["p50"] / 1000,
                report["p99"] / 1000, report["errors"] + report["non2xx"])


def home_rate(loads: list[Load], load: Load) -> float:
    """The home page's rate measured the same way as `load`: both from memory, or both drawn afresh."""
    home = HOME + FRESH if load.page.endswith(FRESH) else HOME
    return next(other.per_second for other in loads if other.page == home)


def table(loads: list[Load]) -> list[str]:
    lines = ["| page | requests/s | share of home | p50 / p99 ms | errors |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {load.page} (`{load.path}`) | {load.per_second:.0f} | {load.per_second / home_rate(loads, load):.0%}"
              f" | {load.p50_ms:.0f} / {load.p99_ms:.0f} | {load.errors} |" for load in loads]
    return lines


def missed_targets(loads: list[Load]) -> list[str]:
    """The targets hold for the pages as visitors get them; the pages drawn afresh are reported beside them."""
    missed = []
    for load in loads:
        if load.page.startswith(HOME) or load.page.endswith(FRESH):
            continue
        home = home_rate(loads, load)
        if load.per_second < SHARE_OF_HOME * home:
            missed.append(f"{load.page}: {load.per_second:.0f}/s is under {SHARE_OF_HOME:.0%} of home's {home:.0f}/s")
        if load.page.startswith("search") and load.per_second < SEARCH_REQUESTS_A_SECOND:
            missed.append(f"{load.page}: {load.per_second:.0f}/s is under {SEARCH_REQUESTS_A_SECOND}/s")
    return missed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--directory", default="sample", help="sample, or a number of synthetic services")
    parser.add_argument("--seconds", type=float, default=10, help="timed load a page")
    parser.add_argument("--warm-up", type=float, default=2, help="untimed load a page first")
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--smoke", action="store_true", help="1 s a page; checks only that nothing fails")
    args = parser.parse_args()
    if args.smoke:
        args.seconds, args.warm_up = 1, 1
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")
    with tempfile.TemporaryDirectory(prefix="throughput-") as name:
        folder = Path(name)
        log(f"building the {args.directory} directory")
        service_page = build_directory(folder, args.directory)
        script = folder / "report.lua"
        script.write_text(WRK_REPORT)
        script.with_name("fresh.lua").write_text("FRESH_ADDRESSES = true\n" + WRK_REPORT)
        port = free_port()
        server = start_gunicorn(folder, port)
        try:
            loads = []
            for page, path in PAGES:
                log(f"{page}: {args.warm_up:g} s warm-up, {args.seconds:g} s timed")
                loads.append(measure(f"http://127.0.0.1:{port}", page, path or service_page, args.seconds,
                                     args.warm_up, args.connections, script))
        finally:
            server.terminate()
            server.wait(timeout=30)
    lines = [f"Directory: {args.directory}; gunicorn, {WORKERS} workers; wrk, {args.connections} "
             f"connections, {args.seconds:g} s a page.", "", *table(loads), ""]
    failures = [f"{load.page}: {load.errors} errors" for load in loads if load.errors]
    if not args.smoke:
        failures += missed_targets(loads)
    lines += [f"MISSED: {failure}" for failure in failures] or [
        "All pages answered without errors." if args.smoke else
        f"Targets met: every search and the service page at least {SHARE_OF_HOME:.0%} of home's rate, "
        f"searches at least {SEARCH_REQUESTS_A_SECOND}/s, no errors."]
    print("\n".join(lines))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
