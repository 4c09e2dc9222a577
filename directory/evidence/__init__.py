"""Evidence for commissioners: coverage of needs by district, unmet need and referral tallies, and the one
suppression scheme for small numbers."""
