"""JSON responses the HSDS way: cacheable with ETag and Last-Modified, open to any origin."""

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime, timezone

from flask import Response, request, stream_with_context


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def json_response(data, status: int = 200, last_modified: datetime | None = None) -> Response:
    """A JSON response that answers a conditional GET with 304 when nothing has changed."""
    body = _dumps(data)
    response = Response(body, status=status, mimetype="application/json")
    if status == 200:
        response.set_etag(hashlib.sha256(body.encode()).hexdigest()[:32])
        if last_modified is not None:
            moment = last_modified if last_modified.tzinfo else last_modified.replace(tzinfo=timezone.utc)
            response.last_modified = moment.replace(microsecond=0)
        response.headers["Cache-Control"] = "public, max-age=300"
        response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


def error_response(status: int, message: str, parameter: str | None = None) -> Response:
    body = {"error": message, "status": status}
    if parameter:
        body["parameter"] = parameter
    return json_response(body, status=status)


def ndjson_response(records: Iterable[dict]) -> Response:
    """Every record, one JSON object a line, streamed as it is read."""
    lines = (_dumps(record) + "\n" for record in records)
    response = Response(stream_with_context(lines), mimetype="application/x-ndjson")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


def newest(records, attribute: str = "last_modified") -> datetime | None:
    moments = [getattr(record, attribute) for record in records if getattr(record, attribute, None)]
    return max(moments) if moments else None
