"""The public pages asked for most, drawn once a minute in each worker rather than once a request.

A search results page takes about 20 ms to draw (a service page 10, the home page 5), while the search
itself takes well under one; and visitors ask the same few things again and again ("domestic abuse"
near a town, a helpline's page). So each worker keeps the pages an anonymous visitor was sent, for the
rest of the minute, and sends the same bytes to the next visitor asking for the same address. A page is
kept under
- this host and the whole address: the language and the search are in it, and nothing else is read
  from the request (no header, no cookie);
- the change log's end (directory.indexing.changes.log_version): every edit, import or restore logs a
  line in its own transaction, so no page drawn before a change committed anywhere is sent after it;
- how far this host's search index has followed the log: a search catches up a few lines at a time
  (a big import on another host), and each step draws its page afresh;
- the minute: "Open now" and "Closes at 5pm" follow the clock.
Staff pages, translations signed off by staff and the pages not listed here are always drawn afresh; a
page stays at most a minute, so a staff change the log does not carry shows within one.

Not kept, ever: pages for a visitor bringing a cookie (signed-in staff, who may see more); searches near
the visitor's own position ("Use my location"); any answer but a 200; and a search counted as unmet need,
so that every such search is still counted. Kept pages live in this worker's memory only: never on disk,
never in a shared store, never logged, keyed by a hash, and gone within the minute or when memory for
PAGE_CACHE_ENTRIES pages is full.
"""

import hashlib

from flask import Flask, g, request
from flask_caching import Cache

from directory.clock import uk_now
from directory.indexing.changes import log_version
from directory.web.context import get_indexer, get_session
from search import IndexMissing

MINUTE = 60
pages = Cache()


def init_page_cache(app: Flask) -> None:
    entries = app.config["PAGE_CACHE_ENTRIES"]
    pages.init_app(app, config={"CACHE_TYPE": "SimpleCache" if entries else "NullCache",
                                "CACHE_THRESHOLD": entries, "CACHE_DEFAULT_TIMEOUT": MINUTE,
                                "CACHE_NO_NULL_WARNING": True})


def draw_afresh() -> None:
    """Keep the page being drawn out of the cache (a view's call: a search that was counted)."""
    g.page_not_kept = True


def _not_for_keeping() -> bool:
    return request.method != "GET" or bool(request.cookies) or "lat" in request.args or "lon" in request.args


def _page_key(*_args, **_kwargs) -> str:
    version = log_version(get_session())
    try:
        index_at = get_indexer().engine.position()
    except IndexMissing:  # the page's search rebuilds it; the next page is kept under the new position
        index_at = None
    minute = uk_now().strftime("%Y-%m-%dT%H:%M")
    address = f"{request.host_url}\n{request.full_path}\n{version}\n{index_at}\n{minute}"
    return hashlib.sha256(address.encode()).hexdigest()


def _worth_keeping(response) -> bool:
    status = getattr(response, "status_code", 200)  # a view's page is text; an abort() is a response
    return status == 200 and not g.get("page_not_kept", False)


kept_a_minute = pages.cached(unless=_not_for_keeping, make_cache_key=_page_key, response_filter=_worth_keeping)
