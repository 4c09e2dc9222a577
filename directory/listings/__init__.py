"""A service and its parts: reading and editing listings, drafts, review, problem reports,
and how their facts are worded. No Flask."""
