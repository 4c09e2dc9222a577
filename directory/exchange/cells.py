"""Cells that spreadsheets would run: quoted in every export, the quote taken away again on import. No Flask.

A spreadsheet runs a cell starting with = + - @ (or a tab or carriage return) as a formula.
Exports put a quote in front (before any quotes already there, so the importer can take
exactly one away again); plain numbers and phone numbers in a data package stay as they are.
"""

import re

_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
_PLAIN_NUMBER = re.compile(r"^[+-]?[\d\s().]+(e[+-]?\d+)?$", re.IGNORECASE)


def spreadsheet_safe(value: str) -> str:
    """The cell as a spreadsheet will show it, never run it: quoted if it starts like a formula."""
    return "'" + value if _NEEDS_QUOTE.match(value) else value


def package_safe(value: str) -> str:
    """As spreadsheet_safe, except plain numbers and phone numbers (-0.14, +44 1632 960001)."""
    return value if _PLAIN_NUMBER.match(value) else spreadsheet_safe(value)


def unquoted(value: str) -> str:
    """Takes away the quote an export put in front of a formula character."""
    return value[1:] if _QUOTED.match(value) else value
