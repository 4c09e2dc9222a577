"""Pages for victims and the public: no account, no cookies, nothing from other hosts."""

from flask import Blueprint

public = Blueprint("public", __name__)

from directory.web.public import routes  # noqa: E402,F401  (registers the views on the blueprint)
