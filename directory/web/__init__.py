"""The web layer, Flask only: blueprints by audience (public, officer, staff, api) and the plumbing they share:
a database session per request, safety headers, error pages."""

import base64
import hashlib
import re

from flask import Flask, abort, current_app, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from jinja2 import Environment

from directory.web.api import api as api_blueprint
from directory.web.api import open_to_other_origins
from directory.web.api.responses import error_response
from directory.web.assets import init_assets
from directory.web.context import close_session
from directory.web.health import health as health_blueprint
from directory.web.i18n import init_i18n
from directory.web.limits import limiter
from directory.web.officer import officer as officer_blueprint
from directory.web.page_cache import init_page_cache
from directory.web.public import public as public_blueprint
from directory.web.public.routes import report_problem
from directory.web.security import emit_security_log, record_refusal
from directory.web.staff import STAFF_NAVIGATION
from directory.web.staff import staff as staff_blueprint
from directory.web.staff.access import login_manager
from directory.web.templating import register_template_helpers


def _content_security_policy(inline_scripts: str) -> str:
    """Nothing from any other host: no CDNs, fonts, analytics or map tiles.

    The one inline script (GOV.UK's template marks the page js-enabled with it) is allowed by its hash,
    not by a nonce: a page then holds nothing drawn for one request, so the same page may be served
    again from memory (page_cache.py).
    """
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {inline_scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def _inline_script_hashes(templates: Environment) -> str:
    """The CSP sources for the inline scripts of GOV.UK's page template, read from the template itself,
    so that an upgrade that changes them cannot leave them blocked."""
    source, _, _ = templates.loader.get_source(templates, "govuk_frontend_jinja/template.html")
    scripts = re.findall(r"<script[^>]*>(.+?)</script>", source, flags=re.DOTALL)
    digests = (base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() for script in scripts)
    return " ".join(f"'sha256-{digest}'" for digest in digests)


def _safety_headers(response):
    if request.is_secure and current_app.config["HSTS_SECONDS"]:
        # Browsers then never try plain http first, where the first request could be intercepted.
        response.headers["Strict-Transport-Security"] = f"max-age={current_app.config['HSTS_SECONDS']}"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(self)"
    response.headers["Content-Security-Policy"] = current_app.extensions["content_security_policy"]
    # A shared or seized device should not be able to replay what someone looked at. (The API sets its
    # own caching: its data is public and holds nobody's search. Static files never come here: assets.py.)
    response.headers.setdefault("Cache-Control", "no-store")
    return response


def _refuse_nul_characters():
    """No person types a NUL into a form, and PostgreSQL refuses to store one: a clear 400, never a 500.

    (Searches read only the query string, and drop NULs from it themselves.)
    """
    if request.method == "POST" and any("\x00" in value for value in request.form.values()):
        abort(400)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _bad_request(error):
    """A refused form (an expired or forged token, a NUL character) gets a page that says so, with Exit this page."""
    if _wants_json():
        return error_response(400, "Bad request")
    reason = error.description if isinstance(error, CSRFError) else None
    return render_template("errors/400.html", reason=reason), 400


def _not_found(_error):
    if _wants_json():
        return error_response(404, "Not found")
    return render_template("errors/404.html"), 404


def _method_not_allowed(error):
    if not _wants_json():
        return error, 405
    response = error_response(405, "This API is read-only: use GET")
    response.headers["Allow"] = ", ".join(error.valid_methods or ("GET", "HEAD", "OPTIONS"))  # RFC 9110 asks
    return response


def _signed_in_user():
    return current_user.user if current_user.is_authenticated else None


def _forbidden(_error):
    record_refusal("forbidden", user=_signed_in_user())
    if _wants_json():
        return error_response(403, "Forbidden")
    return render_template("errors/403.html"), 403


def _too_many_requests(_error):
    if request.endpoint == "staff.sign_in":  # a lockout: name the account if the email is one
        record_refusal("sign_in_throttled", email=request.form.get("email", ""))
    else:
        record_refusal("throttled", user=_signed_in_user())
    return render_template("errors/429.html"), 429


def _server_error(_error):
    if _wants_json():
        return error_response(500, "Internal error")
    return render_template("errors/500.html"), 500


def init_app(app: Flask) -> None:
    emit_security_log()
    app.extensions["content_security_policy"] = _content_security_policy(_inline_script_hashes(app.jinja_env))
    app.before_request(_refuse_nul_characters)
    app.after_request(_safety_headers)
    app.teardown_appcontext(close_session)
    csrf = CSRFProtect(app)
    csrf.exempt(report_problem)  # its form carries its own signed token, so opening it sets no cookie
    login_manager.init_app(app)
    init_i18n(app)
    limiter.init_app(app)
    app.register_error_handler(400, _bad_request)
    app.register_error_handler(403, _forbidden)
    app.register_error_handler(404, _not_found)
    app.register_error_handler(429, _too_many_requests)
    app.register_error_handler(405, _method_not_allowed)
    app.register_error_handler(500, _server_error)
    app.context_processor(lambda: {"staff_navigation": STAFF_NAVIGATION})
    register_template_helpers(app)
    init_assets(app)
    init_page_cache(app)
    app.register_blueprint(public_blueprint)
    app.register_blueprint(api_blueprint)
    open_to_other_origins(app)
    app.register_blueprint(staff_blueprint)
    app.register_blueprint(officer_blueprint)
    app.register_blueprint(health_blueprint)
