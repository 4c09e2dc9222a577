"""Hiding small counts of people so that no one can be picked out, by one scheme for every table.

A count from 1 to SMALL_CELL - 1 is never shown (primary suppression). Hiding it is not enough when
the table's row and column totals are shown too: a row of 12 whose other cells show 9 gives the
hidden 3 away. So every row and column that has a hidden cell gets at least a second one
(secondary suppression), the smallest other count in it, and that is repeated until nothing
changes, since each new hidden cell can leave a line elsewhere with only one. A reader then has
at least two unknowns in every line, and each hidden cell can take more than one value.

Two lines each with two hidden cells are not always enough: hidden cells must form loops (see
`_cell_closing_a_cycle`), so the smallest count closing a loop is hidden too. Only positive counts
are chosen: every hidden cell is then at least 1, and each can move up or down by one along its loop
with the totals unchanged. A hidden zero could not move down, and would pin its loop.

With `suppress` alone, the totals can sometimes pin a cell (a row of zeros beside a column whose other
cells are known; or a hidden total of 1 to 4 that the grand total gives back), and a reader who sees the
zeros knows every hidden cell is at least 1, so a loop of ones cannot move. So a table shown with its
totals goes through `suppress_with_totals`, which hides the totals by the same rules, hides the zeros of
every line with a hidden number and keeps two hidden counts above zero in each such line. The tests try
every table consistent with such a page (tests/directory/evidence/test_suppression.py) and find no hidden
number, count or total, that a reader could work out.

Several one-way tables over the same people and the same shown total (referrals by service, by crime type,
by district…) are lines too, each ending in that total: `suppress_tables` hides by the same rules, and as
their rows are listed only when at least one person is in them, a reader knows every hidden count is at
least 1; so the hidden counts of a line must also add up to more than one each, or a loop of ones is pinned.

Counts of services, not people (the coverage matrix), need none of this: they are public facts.
"""

from dataclasses import dataclass

SMALL_CELL = 5  # a count from 1 to SMALL_CELL - 1 is never shown

Cell = tuple[int, int]


def is_small(count: int) -> bool:
    return 0 < count < SMALL_CELL


def suppressed_total(values: list[int]) -> int | None:
    """The total of `values`, or None when it is small (1 to SMALL_CELL - 1). Zero is shown."""
    total = sum(values)
    return None if is_small(total) else total


def suppress(rows: list[list[int]]) -> list[list[int | None]]:
    """The same table with small cells hidden (None), plus as few other cells as needed so that no hidden
    cell can be worked out from the shown cells and the row and column totals (which callers show computed
    from the ORIGINAL counts). Zero is shown (it reveals no one)."""
    if not rows:
        return []
    width = len(rows[0])
    if any(len(row) != width for row in rows):
        raise ValueError("every row of a table must have the same number of cells")
    hidden = _secondary(rows, {(r, c) for r, row in enumerate(rows) for c, count in enumerate(row) if is_small(count)})
    return [[None if (r, c) in hidden else count for c, count in enumerate(row)] for r, row in enumerate(rows)]


def _secondary(rows: list[list[int]], hidden: set[Cell]) -> set[Cell]:
    """`hidden` and the cells to hide with them: a second in every line, and whatever closes a loop."""
    hidden = set(hidden)
    lines = _lines(len(rows), len(rows[0]))
    changed = bool(hidden)
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) == 1:
                second = _second_cell(rows, line, hidden)
                if second is not None:
                    hidden.add(second)
                    changed = True
        if not changed:
            closing = _cell_closing_a_cycle(rows, hidden)
            if closing is not None:
                hidden.add(closing)
                changed = True
    return hidden


@dataclass(frozen=True)
class Suppressed:
    """A table and its totals as a page may show them: None where hidden."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None


def suppress_with_totals(rows: list[list[int]]) -> Suppressed:
    """The table with its row, column and grand totals, hidden together so that nothing hidden, a total
    included, can be worked out from what is shown. Evidence pages show tables this way.

    The totals are suppressed as cells of the table they border: a row of cells with the total beside
    it is a line like any other (its cells less its total make nothing), so `suppress` applies to the
    bordered table, and its loops reach through the totals. Then every zero in a line that has a hidden
    number is hidden too: shown zeros would tell a reader that each hidden number is at least 1, and a
    loop of ones could then not move. And every such line keeps two hidden counts above zero, since
    hidden zeros beside shown counts that already make the total are pinned. Repeated until nothing
    changes; tests/directory/evidence/test_suppression.py tries every table consistent with the page.
    """
    if not rows:
        return Suppressed([], [], [], 0)
    bordered = [[*row, sum(row)] for row in rows]
    bordered.append([sum(column) for column in zip(*bordered)])
    lines = _lines(len(bordered), len(bordered[0]))
    hidden = {(r, c) for r, row in enumerate(bordered) for c, count in enumerate(row) if is_small(count)}
    while True:
        hidden = _secondary(bordered, hidden)
        more = {(r, c) for line in lines if any(cell in hidden for cell in line)
                for r, c in line if bordered[r][c] == 0} - hidden
        for line in lines:  # hidden zeros alone cannot move: each such line needs two hidden counts above zero
            if any(cell in hidden for cell in line) and sum(_count(bordered, cell) > 0 for cell in line
                                                           if cell in hidden) < 2:
                second = _second_cell(bordered, line, hidden)
                if second is not None:
                    more.add(second)
        if not more:
            break
        hidden |= more
    shown = [[None if (r, c) in hidden else count for c, count in enumerate(row)] for r, row in enumerate(bordered)]
    return Suppressed([row[:-1] for row in shown[:-1]], [row[-1] for row in shown[:-1]], shown[-1][:-1],
                      shown[-1][-1])


def suppress_line(counts: list[int]) -> list[int | None] | None:
    """A one-way table's counts (each at least 1: only rows with someone in them are listed) beside their
    total, which is shown; None when it cannot be shown.

    Every count under a threshold is hidden: 5 to start with, so every small count, then raised to the
    next count shown until the hidden counts can each take two values, for a reader who also knows the rules:
    at least two are hidden; they add up to more than one each (each is at least 1); and, as each is under
    the threshold and so under the smallest count shown, they add up to less than that bound each, so each
    can move up or down by one. Counts are hidden by threshold, never one of two equal counts, and the
    threshold is the smallest that works, so which counts are hidden says nothing beyond that bound.
    """
    if any(count < 1 for count in counts):
        raise ValueError("a listed row counts at least 1")
    threshold = SMALL_CELL
    while True:
        hidden = [count for count in counts if count < threshold]
        shown = [count for count in counts if count >= threshold]
        if not hidden or _line_is_safe(hidden, min(shown, default=None)):
            return [None if count < threshold else count for count in counts]
        if not shown:
            return None
        threshold = min(shown) + 1


def _line_is_safe(hidden: list[int], smallest_shown: int | None) -> bool:
    """Whether each hidden count can take two values: two or more, each at least 1 and (when any count is shown)
    under the smallest shown, with the hidden counts' known sum."""
    ceiling = len(hidden) * (smallest_shown - 1) if smallest_shown is not None else None
    return len(hidden) >= 2 and sum(hidden) > len(hidden) and (ceiling is None or sum(hidden) < ceiling)


def suppress_tables(tables: dict[str, list[int]]) -> dict[str, list[int | None]] | None:
    """One-way tables of the same people, each adding up to the same total, which is shown: each suppressed
    by `suppress_line`. None when the total is small or any table cannot be shown: then none is shown, since
    one table shown whole would give the total. Knowing the total, any tables that add up to it can come from
    some set of people, so a reader gains nothing by putting them together."""
    totals = {sum(counts) for counts in tables.values()}
    if len(totals) > 1:
        raise ValueError("one-way tables of the same people add up to the same total")
    if any(is_small(total) for total in totals):
        return None
    shown = {name: suppress_line(counts) for name, counts in tables.items()}
    return None if any(line is None for line in shown.values()) else shown


def _lines(height: int, width: int) -> list[list[Cell]]:
    """Every row, then every column, as the cells in it."""
    return ([[(r, c) for c in range(width)] for r in range(height)]
            + [[(r, c) for r in range(height)] for c in range(width)])


def _second_cell(rows: list[list[int]], line: list[Cell], hidden: set[Cell]) -> Cell | None:
    """The shown cell of `line` to hide beside its one hidden cell: the smallest positive count. Never a zero:
    a hidden zero pins its partners as soon as a reader guesses it (see the module's note)."""
    positive = [cell for cell in line if cell not in hidden and _count(rows, cell) > 0]
    return min(positive, key=lambda cell: (_count(rows, cell), cell)) if positive else None


def _cell_closing_a_cycle(rows: list[list[int]], hidden: set[Cell]) -> Cell | None:
    """A cell to hide so that a hidden cell no longer stands alone between two groups of lines.

    Think of rows and columns as points and hidden cells as links between them. A hidden cell can
    change (with others moving to keep every total) only if it lies on a loop of links; a link whose
    removal splits the points in two (a bridge) is pinned by the totals. The fix hides the smallest shown
    count linking the two sides, which closes a loop through it.
    """
    # Every line counts as a point with a known total, even one whose total is hidden: a reader who could
    # bound that total well would know nearly as much, so the loops must not rely on it.
    links = {(r, c): (("row", r), ("column", c)) for r, c in hidden}
    for cell in sorted(hidden):
        side = _reachable(links[cell][0], [ends for other, ends in links.items() if other != cell])
        if links[cell][1] in side:
            continue
        shown = [(r, c) for r, row in enumerate(rows) for c in range(len(row)) if (r, c) not in hidden]
        crossing = [(r, c) for r, c in shown if rows[r][c] > 0 and (("row", r) in side) != (("column", c) in side)]
        if crossing:
            return min(crossing, key=lambda other: (_count(rows, other), other))
    return None


def _reachable(start: tuple, links: list[tuple[tuple, tuple]]) -> set[tuple]:
    reached, frontier = {start}, [start]
    while frontier:
        point = frontier.pop()
        for one, other in links:
            for here, there in ((one, other), (other, one)):
                if here == point and there not in reached:
                    reached.add(there)
                    frontier.append(there)
    return reached


def _count(rows: list[list[int]], cell: Cell) -> int:
    return rows[cell[0]][cell[1]]
