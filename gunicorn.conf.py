"""gunicorn settings for production: several workers, and access logs that identify nobody."""

import multiprocessing
import os

bind = os.environ.get("BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
# Build the app (migrations, index check) once in the master, not once per worker.
preload_app = True
accesslog = "-"
# No client address (%(h)s) and no query string (%(q)s): searches carry words and places.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(b)s %(L)ss'
