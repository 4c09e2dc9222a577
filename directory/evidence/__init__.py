"""Evidence for commissioners: coverage gaps, unmet need and referral tallies, with small cells suppressed."""
