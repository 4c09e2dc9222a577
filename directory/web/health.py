"""The load balancer's question, may this host take visitors? Plain text, no cookies, no language, not logged.

A host answers 200 when its database answers and its own search index has caught up with the
change log and matches the database; else 503 and why, so the balancer sends people elsewhere.
"""

from flask import Blueprint, Response

from directory.web.context import get_indexer, get_session
from directory.web.request_logs import HEALTH_CHECK_PATH

health = Blueprint("health", __name__)


@health.get(HEALTH_CHECK_PATH)
def healthz():
    reason = get_indexer().health(get_session())
    return Response(reason or "ok", status=503 if reason else 200, mimetype="text/plain")
