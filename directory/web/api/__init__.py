"""The Open Referral UK (HSDS 3.0) read API: anonymous, read-only JSON over GET."""

from flask import Blueprint, Flask
from flask_cors import CORS

api = Blueprint("api", __name__, url_prefix="/api")

from directory.web.api import routes  # noqa: E402,F401  (registers the views on the blueprint)


def open_to_other_origins(app: Flask) -> None:
    """Let web pages on any origin read the API, conditional requests and their ETag included.

    The data is public and the API takes no cookies, so `*` without credentials gives nothing away.
    Matched by path rather than on the blueprint, so that a 404 for an unknown API path or a 405
    (answered before any blueprint is chosen) is readable too; no page outside /api/ gains a header.
    """
    CORS(app, resources={rf"^{api.url_prefix}/.*": {}}, origins="*", send_wildcard=True, supports_credentials=False,
         methods=["GET", "HEAD", "OPTIONS"], allow_headers=["If-None-Match", "If-Modified-Since"],
         expose_headers=["ETag", "Last-Modified"], max_age=86400)
