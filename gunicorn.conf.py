"""gunicorn settings for production: several workers, and logs that identify nobody."""

import multiprocessing
import os

from gunicorn.glogging import Logger

from directory.config import flag, several_workers_problem
from directory.web.request_logs import HealthChecksUnlogged, RequestLineScrubber

# Behind a reverse proxy, X-Forwarded-For is believed: only the proxy may reach gunicorn, or any
# client could name its own address and escape the sign-in limits. So listen on this machine only.
bind = os.environ.get("BIND", "127.0.0.1:8000" if flag("BEHIND_PROXY", False) else "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Build the app (migrations, index check) once in the master, not once per worker.
preload_app = True
accesslog = "-"
# No client address (%(h)s) and no query string (%(q)s): searches carry words and places.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'


def on_starting(server):
    """Refuse to start workers that would each keep their own count of the sign-in limits.

    Checked here, not above, so that a worker count given on the command line (-w) counts too.
    """
    problem = several_workers_problem(server.cfg.workers)
    if problem:
        raise RuntimeError(f"Not starting: {problem}")  # gunicorn prints it and exits 1


_scrubber = RequestLineScrubber()


class ScrubbedLogger(Logger):
    """gunicorn's logger: its error log names neither the client nor what a malformed request asked for,
    and its access log leaves out the load balancer's health checks."""

    def setup(self, cfg):
        super().setup(cfg)  # a log configuration (logconfig_dict) may replace the loggers: filter after it
        self.error_log.addFilter(_scrubber)
        self.access_log.addFilter(HealthChecksUnlogged())  # the load balancer's, every few seconds


logger_class = ScrubbedLogger
