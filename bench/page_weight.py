"""Page weight: the bytes a first visit to the home page or a results page moves, as a browser fetches them.

Fetches each page with `Accept-Encoding: br, gzip`, then every stylesheet, script and icon it refers to,
and counts what comes back: the body as sent (compressed where the server compresses it) and the
response headers as HTTP/1.1 writes them (HTTP/2 would send them smaller). Each page counts as a first
visit, with nothing cached. Target (issue #16): at most 60 KB (60,000 bytes) a page.

By default it loads the bundled Sussex sample into a temporary folder and asks the app through Flask's
test client (the whole WSGI stack, WhiteNoise included); --base-url measures a running server instead
(`gunicorn -c gunicorn.conf.py 'app:create_app()'`). Exits 1 if a page is over the target.

Usage, from the repo root:
    .venv/bin/python bench/page_weight.py [--base-url http://127.0.0.1:8000]
"""

import argparse
import gzip
import re
import sys
import tempfile
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGES = {
    "home": "/",
    "results": "/search?q=domestic+abuse&place=Brighton",
}
TARGET_BYTES = 60_000
ACCEPT_ENCODING = "br, gzip"
# What a browser fetches for a page: stylesheets, scripts, icons and images.
_FETCHED_LINKS = {"stylesheet", "icon", "preload", "modulepreload"}
_CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)""")
# A module's static imports of its own site's files (`import {…} from "./govuk/…"`): fetched before it runs.
_MODULE_IMPORT = re.compile(r"""(?:\bimport|\bfrom)\s*["'](\.{0,2}/[^"']+)["']""")


@dataclass
class Transfer:
    path: str
    status: int
    encoding: str
    body_bytes: int
    header_bytes: int
    decoded_bytes: int
    cache_control: str
    text: str

    @property
    def wire_bytes(self) -> int:
        return self.body_bytes + self.header_bytes


class _References(HTMLParser):
    """The addresses a page makes the browser fetch, in page order."""

    def __init__(self, html: str):
        super().__init__()
        self.paths: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and _FETCHED_LINKS & set((attrs.get("rel") or "").split()) and attrs.get("href"):
            self.paths.append(attrs["href"])
        elif tag in {"script", "img"} and attrs.get("src"):
            self.paths.append(attrs["src"])


def _decode(body: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return brotli.decompress(body)
    if encoding == "gzip":
        return gzip.decompress(body)
    return body


def _transfer(path: str, status: int, headers: list[tuple[str, str]], body: bytes) -> Transfer:
    header_bytes = len(f"HTTP/1.1 {status}\r\n") + sum(len(f"{name}: {value}\r\n") for name, value in headers) + 2
    found = {name.lower(): value for name, value in headers}
    encoding = found.get("content-encoding", "")
    decoded = _decode(body, encoding)
    return Transfer(
        path,
        status,
        encoding or "none",
        len(body),
        header_bytes,
        len(decoded),
        found.get("cache-control", "(none)"),
        decoded.decode("utf-8", "replace"),
    )


def client_fetcher(client):
    """Fetch through a Flask test client: the bytes the WSGI app sends, undecoded."""

    def fetch(path: str) -> Transfer:
        response = client.get(path, headers={"Accept-Encoding": ACCEPT_ENCODING})
        return _transfer(path, response.status_code, list(response.headers.items()), response.get_data())

    return fetch


def server_fetcher(base_url: str):
    """Fetch from a running server over HTTP (urllib leaves compressed bodies as they came)."""

    def fetch(path: str) -> Transfer:
        request = urllib.request.Request(base_url.rstrip("/") + path, headers={"Accept-Encoding": ACCEPT_ENCODING})
        with urllib.request.urlopen(request) as response:
            return _transfer(path, response.status, list(response.headers.items()), response.read())

    return fetch


def first_visit(fetch, path: str) -> list[Transfer]:
    """The page, then each file it refers to once, as a browser with an empty cache fetches them."""
    page = fetch(path)
    transfers, queue = [page], list(dict.fromkeys(_References(page.text).paths))
    while queue:
        transfer = fetch(queue.pop(0))
        transfers.append(transfer)
        if transfer.path.endswith((".js", ".mjs")):
            fetched = {t.path for t in transfers} | set(queue)
            queue += [
                url
                for url in (urljoin(transfer.path, found) for found in _MODULE_IMPORT.findall(transfer.text))
                if url not in fetched
            ]
    return transfers


def stylesheet_references(transfers: list[Transfer]) -> list[str]:
    """Images a stylesheet names: a browser fetches one only for an element a rule using it matches."""
    return sorted(
        {
            url
            for t in transfers
            if t.path.endswith(".css")
            for url in _CSS_URL.findall(t.text)
            if not url.startswith("data:")
        }
    )


def sample_app_client():
    from app import create_app

    folder = Path(tempfile.mkdtemp(prefix="page-weight-"))
    app = create_app(
        {
            "SECRET_KEY": "page-weight",
            "DATABASE_URL": f"sqlite:///{folder / 'directory.sqlite'}",
            "SEARCH_INDEX_DIR": str(folder / "index"),
            "IMPORT_UPLOAD_DIR": str(folder / "uploads"),
            "LOAD_SAMPLE_DATA": True,
        }
    )
    return app.test_client()


def report(name: str, transfers: list[Transfer]) -> bool:
    total = sum(t.wire_bytes for t in transfers)
    print(f"\n## {name}: {transfers[0].path}\n")
    print("| resource | status | encoding | body | headers | on the wire | uncompressed | Cache-Control |")
    print("| --- | --- | --- | ---: | ---: | ---: | ---: | --- |")
    for t in transfers:
        print(
            f"| {t.path} | {t.status} | {t.encoding} | {t.body_bytes:,} | {t.header_bytes:,} | "
            f"{t.wire_bytes:,} | {t.decoded_bytes:,} | {t.cache_control} |"
        )
    within = total <= TARGET_BYTES
    print(f"\nFirst visit: {total:,} bytes on the wire (target ≤ {TARGET_BYTES:,}): {'ok' if within else 'OVER'}.")
    print(f"A later page, files cached: {transfers[0].wire_bytes:,} bytes.")
    if any(t.status != 200 for t in transfers):
        print("Some files did not answer 200.")
        within = False
    for url in stylesheet_references(transfers):
        print(f"The stylesheet names {url} (fetched only where a page uses its rule).")
    return within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="measure this running server instead of the sample through WSGI")
    args = parser.parse_args()
    fetch = server_fetcher(args.base_url) if args.base_url else client_fetcher(sample_app_client())
    print("# Page weight, first visit (Accept-Encoding: br, gzip)")
    results = [report(name, first_visit(fetch, path)) for name, path in PAGES.items()]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
