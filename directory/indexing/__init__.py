"""Keeping each app host's search index a faithful copy of the database.

documents: what the index holds for a service (only active ones, confidential places at a coarse point).
changes: the change log every index follows, and the register of how far each has got.
indexer: this host's index, caught up with the log before it answers.
"""

from directory.indexing.changes import log_changes
from directory.indexing.documents import database_fingerprint, document_shape, service_document
from directory.indexing.indexer import SEARCH_DRAIN_LIMIT, Indexer

__all__ = ["SEARCH_DRAIN_LIMIT", "Indexer", "database_fingerprint", "document_shape", "log_changes",
           "service_document"]
