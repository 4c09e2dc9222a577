"""Server log lines that identify nobody: no client address, no query string, no echo of a malformed request.

Search words and places travel in the query string; together with an address they would say who
looked for what. Both servers log requests they cannot parse (a search pasted with its spaces, a
URL too long) by quoting the raw request line, so those complaints are scrubbed too.
"""

import logging
import re

# The development server (werkzeug) starts each line with the client address: "203.0.113.9 - - [...]".
_WERKZEUG_ADDRESS = re.compile(r"^\S+ - - ")
# gunicorn names it inside the message: "Invalid request from ip=203.0.113.9: ...".
_GUNICORN_ADDRESS = re.compile(r"\bip=\S*:(?=\s)")
# The quoted request line (or part of one) in a complaint: "Bad request syntax ('GET /search?q=...')".
_QUOTED = re.compile(r""":?\s*\(?(['"]).*\1\)?""")
_QUERY = re.compile(r"\?(.*(?= HTTP/\d)|\S*)")  # a query with spaces runs to the HTTP version


def _scrubbed(text: str) -> str:
    return _QUERY.sub("", _QUOTED.sub("", text))


class RequestLineScrubber(logging.Filter):
    """Drops client addresses, query strings and quoted request lines from the servers' log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str):
            return True
        if record.args:  # werkzeug: the address is in the format, the request line an argument
            record.msg = _WERKZEUG_ADDRESS.sub("- - - ", record.msg)
            if isinstance(record.args, tuple):
                record.args = tuple(_scrubbed(arg) if isinstance(arg, str) else arg for arg in record.args)
        else:  # gunicorn formats its messages before logging them
            record.msg = _scrubbed(_GUNICORN_ADDRESS.sub("ip=-:", record.msg))
        return True


HEALTH_CHECK_PATH = "/healthz"


class HealthChecksUnlogged(logging.Filter):
    """Drops the load balancer's health checks from the request logs: every few seconds from every
    balancer, they would bury the requests people made."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):  # gunicorn's access log: its atoms, U the path
            return record.args.get("U") != HEALTH_CHECK_PATH
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            words = record.args[0].split(" ")  # werkzeug: the request line, "GET /healthz HTTP/1.1"
            return len(words) < 2 or words[1].split("?")[0] != HEALTH_CHECK_PATH
        return True
