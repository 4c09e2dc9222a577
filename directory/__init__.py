"""The directory domain: HSDS-aligned models, domain operations, and the web blueprints by audience."""
