"""The Open Referral UK (HSDS 3.0) read API: anonymous, read-only JSON over GET."""

from flask import Blueprint

api = Blueprint("api", __name__, url_prefix="/api")

from directory.web.api import routes  # noqa: E402,F401  (registers the views on the blueprint)
