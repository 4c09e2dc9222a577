"""PLACEHOLDER (helper B's worktree): helper A's suppression module replaces this file on merge.

Small-cell suppression for the evidence tables: counts of 1 to SMALL_CELL - 1 are hidden, and enough
other cells with them that a hidden cell cannot be worked out from a row's or a column's total.
"""

SMALL_CELL = 5  # a count from 1 to SMALL_CELL - 1 is never shown


def _is_small(value: int) -> bool:
    return 0 < value < SMALL_CELL


def suppress(rows: list[list[int]]) -> list[list[int | None]]:
    """The same table with small cells hidden (None), plus as few other cells as needed so that no hidden
    cell can be worked out from the shown cells and the row and column totals (which callers show computed
    from the ORIGINAL counts). Zero is shown (it reveals no one)."""
    hidden = {(r, c) for r, row in enumerate(rows) for c, value in enumerate(row) if _is_small(value)}
    lines = [[(r, c) for c in range(len(row))] for r, row in enumerate(rows)]
    width = max((len(row) for row in rows), default=0)
    lines += [[(r, c) for r in range(len(rows)) if c < len(rows[r])] for c in range(width)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if len([cell for cell in line if cell in hidden]) != 1:
                continue
            others = [cell for cell in line if cell not in hidden and rows[cell[0]][cell[1]] > 0]
            if others:
                hidden.add(min(others, key=lambda cell: (rows[cell[0]][cell[1]], cell)))
                changed = True
    return [[None if (r, c) in hidden else value for c, value in enumerate(row)] for r, row in enumerate(rows)]


def suppressed_total(values: list[int]) -> int | None:
    """A total shown only if not small (None if 1..SMALL_CELL-1)."""
    total = sum(values)
    return None if _is_small(total) else total
