"""Stylesheet, script and icon: served by WhiteNoise under their hashed names, kept a year by browsers;
pages compressed by Flask-Compress for visitors who bring no cookie.

A victim may be on a slow phone with a small data allowance: the first visit should move little, and
later pages fetch none of these files again. assets/build.mjs names each file after its content and
writes the Gzip and Brotli copies WhiteNoise picks from, so a changed file is a new address and
serving one costs no compression work.
"""

import json
import re
from pathlib import Path

from flask import Flask, request
from flask_compress import Compress
from whitenoise import WhiteNoise

STATIC_URL = "/static/build/"
ONE_YEAR = 365 * 24 * 60 * 60
# The 12 hex digits of content hash assets/build.mjs puts before the extension: app.06e4bc064330.css.
_FINGERPRINTED = re.compile(r"\.[0-9a-f]{12}\.[a-z]+$")


class _StaticFiles(WhiteNoise):
    FOREVER = ONE_YEAR  # the usual year (HTTP/1.1 capped Expires there), rather than WhiteNoise's ten


def _is_fingerprinted(_path: str, url: str) -> bool:
    return bool(_FINGERPRINTED.search(url))


def _static_safety_headers(headers, _path: str, _url: str) -> None:
    """Files answered by WhiteNoise never reach Flask's after_request: the headers that matter for a file."""
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"


def read_manifest(folder: Path) -> dict[str, str]:
    """Each plain name (app.css) and the hashed name the build gave it (app.06e4bc064330.css)."""
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        raise RuntimeError(f"{manifest} is missing: build the stylesheet and script with `npm run build`.")
    return json.loads(manifest.read_text())


def asset_urls(manifest: dict[str, str]):
    """`asset_url('app.css')` for templates: the address of the current build of that file."""

    def asset_url(name: str) -> str:
        return STATIC_URL + manifest[name]

    return asset_url


def _compress_for_visitors_without_cookies(compress: Compress):
    """Compress a page only for a request without cookies.

    A signed-in page holds secrets (a CSRF token, a refuge's address) beside words a link can put
    there (a search); compressed, its length could give them away (BREACH). Victims bring no cookie.
    """

    def compress_response(response):
        return response if request.cookies else compress.after_request(response)

    return compress_response


def init_assets(app: Flask) -> None:
    folder = Path(app.config["ASSETS_DIR"])
    app.add_template_global(asset_urls(read_manifest(folder)), "asset_url")
    app.wsgi_app = _StaticFiles(
        app.wsgi_app,
        root=folder,
        prefix=STATIC_URL,
        max_age=0,  # anything not fingerprinted (the manifest) is checked again each time
        allow_all_origins=False,  # nothing on another site loads these
        immutable_file_test=_is_fingerprinted,
        add_headers_function=_static_safety_headers,
    )
    app.config["COMPRESS_ALGORITHM"] = ["br", "gzip"]  # what browsers offer; the files are built in both
    app.config["COMPRESS_REGISTER"] = False  # compressed only through the hook below
    app.after_request(_compress_for_visitors_without_cookies(Compress(app)))
