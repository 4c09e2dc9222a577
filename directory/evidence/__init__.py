"""Evidence for commissioners: coverage of needs by district, unmet need, and the one suppression scheme."""
