"""gunicorn settings for production: several workers, and access logs that identify nobody."""

import multiprocessing
import os

from directory.config import several_workers_problem

bind = os.environ.get("BIND", "0.0.0.0:8000")
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
