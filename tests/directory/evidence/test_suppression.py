"""Small counts are hidden, and no hidden count can be worked out from what is shown: checked by brute force."""

import random
from collections import defaultdict
from itertools import product

import pytest

from directory.evidence.suppression import (
    SMALL_CELL,
    Suppressed,
    suppress,
    suppress_line,
    suppress_tables,
    suppress_with_totals,
    suppressed_total,
)

# Small enough to try every table in a couple of seconds; 4 x 4 works too, in about a minute.
SHAPES = [(2, 2), (2, 3), (3, 2), (3, 3), (2, 4), (4, 2)]


def _lines(height: int, width: int) -> list[list[tuple[int, int]]]:
    every = [(r, c) for r in range(height) for c in range(width)]
    return [[(r, c) for c in range(width)] for r in range(height)] + [
        [(r, c) for r in range(height)] for c in range(width)] + [every]


def possible_values(rows: list[list[int]], shown: list[list[int | None]],
                    only: tuple[int, int] | None = None) -> dict[tuple[int, int], set[int]]:
    """Every value each hidden cell can take in some table that agrees with everything on the page: the shown
    cells, every row and column total and the grand total as suppressed_total shows them (a hidden total is
    1 to 4), and that no count is negative or above the grand total. Found by trying every table (depth first,
    cutting branches no total allows), stopping once every hidden cell (or `only` that one) has two values."""
    height, width = len(rows), len(rows[0])
    bound = max(SMALL_CELL - 1, sum(map(sum, rows)))
    hidden = [(r, c) for r in range(height) for c in range(width) if shown[r][c] is None]
    position = {cell: i for i, cell in enumerate(hidden)}
    constraints = []  # [low, high, variables]: the hidden cells of a line add up to between low and high
    for line in _lines(height, width):
        total = suppressed_total([rows[r][c] for r, c in line])
        low, high = (1, SMALL_CELL - 1) if total is None else (total, total)
        known = sum(shown[r][c] for r, c in line if shown[r][c] is not None)
        constraints.append((low - known, high - known, [position[cell] for cell in line if cell in position]))
    touching = [[k for k, (_, _, variables) in enumerate(constraints) if i in variables] for i in range(len(hidden))]
    assigned_sum = [0] * len(constraints)
    left = [len(variables) for _, _, variables in constraints]
    seen = [set() for _ in hidden]
    values = [0] * len(hidden)
    watched = [seen[position[only]]] if only else seen

    def search(i: int) -> bool:
        """True once every hidden cell has two possible values (no need to look further)."""
        if i == len(hidden):
            for cell_values, value in zip(seen, values):
                cell_values.add(value)
            return all(len(cell_values) >= 2 for cell_values in watched)
        low, high = 0, bound
        for k in touching[i]:
            c_low, c_high, _ = constraints[k]
            high = min(high, c_high - assigned_sum[k])
            if left[k] == 1:
                low = max(low, c_low - assigned_sum[k])
        for value in range(low, high + 1):
            ok = True
            for k in touching[i]:
                assigned_sum[k] += value
                left[k] -= 1
                if assigned_sum[k] + bound * left[k] < constraints[k][0]:
                    ok = False
            if ok:
                values[i] = value
                done = search(i + 1)
            for k in touching[i]:
                assigned_sum[k] -= value
                left[k] += 1
            if ok and done:
                return True
        return False

    if all(low <= 0 <= high for low, high, variables in constraints if not variables):
        search(0)
    return {cell: seen[position[cell]] for cell in hidden}


def test_small_counts_are_hidden_with_the_smallest_others_around_them_and_zero_is_shown():
    # 3 is small; 6 is the smallest other count in its row, 7 in its column; then 12 partners 6 in theirs.
    assert suppress([[0, 7, 12], [9, 3, 6]]) == [[0, None, None], [9, None, None]]


def test_a_hidden_cell_gets_a_partner_in_its_row_and_its_column():
    shown = suppress([[3, 9, 20], [8, 10, 30], [15, 40, 50]])
    assert shown[0][0] is None
    assert sum(cell is None for cell in shown[0]) >= 2
    assert sum(row[0] is None for row in shown) >= 2
    for line in [*shown, *zip(*shown)]:
        assert sum(cell is None for cell in line) != 1


def test_the_smallest_other_count_is_hidden_beside_a_small_one():
    assert suppress([[2, 30, 6, 9], [40, 50, 60, 70]]) == [[None, 30, None, 9], [None, 50, None, 70]]


def test_a_table_without_small_counts_is_shown_whole():
    assert suppress([[0, 5, 9], [12, 0, 40]]) == [[0, 5, 9], [12, 0, 40]]
    assert suppress([]) == []


def test_totals_from_one_to_four_are_hidden_and_zero_is_shown():
    assert suppressed_total([1, 2]) is None
    assert suppressed_total([0, 0]) == 0
    assert suppressed_total([2, 3]) == 5


def test_zeros_are_never_hidden():
    assert suppress([[3, 0, 8], [9, 9, 9]])[0] == [None, 0, None]
    assert suppress([[3, 0], [0, 9]]) == [[3 and None, 0], [0, 9]]


def test_no_hidden_count_can_be_worked_out_from_the_page_brute_force():
    """Thousands of small random tables: each hidden count can take at least two values given everything
    shown, unless the totals and the zeros alone already pin it (so hiding every count would not help either:
    zeros are always shown, as they reveal no one)."""
    generator = random.Random(20_240_615)
    tables = hidden_cells = pinned_by_totals = 0
    while tables < 2000:
        height, width = generator.choice(SHAPES)
        rows = [[generator.choice((0, 0, 1, 2, 3, 4, 5, 6, 7, 8)) for _ in range(width)] for _ in range(height)]
        shown = suppress(rows)
        tables += 1
        for (r, c), values in possible_values(rows, shown).items():
            hidden_cells += 1
            if len(values) < 2:
                every_count_hidden = [[None if count else 0 for count in row] for row in rows]
                assert len(possible_values(rows, every_count_hidden, only=(r, c))[(r, c)]) == 1, (rows, shown, (r, c))
                pinned_by_totals += 1
    assert hidden_cells > 5000
    assert pinned_by_totals < hidden_cells / 5, pinned_by_totals  # tiny tables: most hidden cells stay unknown


# Shown with its totals, as evidence pages show a table: no hidden number, cell or total, can be worked out.
TABLES = 250

def _can_differ(page: list[list[int | None]], cell: tuple[int, int], true: int, bound: int) -> bool:
    """Whether some bordered table that agrees with the page gives the hidden number at `cell` (a count or a
    total) another value than `true`: every shown number as shown, each line's counts adding up to the total
    at its end, every hidden number from 0 (zeros beside hidden numbers are hidden too) to `bound` (a reader
    told the grand total). Depth first, cutting branches no line allows; stops at the first such table."""
    height, width = len(page), len(page[0])
    hidden = [cell] + [(r, c) for r in range(height) for c in range(width) if page[r][c] is None and (r, c) != cell]
    grid = [row[:] for row in page]

    def adds_up(cells: list[tuple[int, int]], total: tuple[int, int]) -> bool:
        values = [grid[r][c] for r, c in cells]
        end = grid[total[0]][total[1]]
        if None in values or end is None:
            return sum(value for value in values if value is not None) <= (bound if end is None else end)
        return sum(values) == end

    def forced(r: int, c: int) -> int | None:
        """The value the other numbers of one of its lines leave it, once they are all known."""
        for cells, total in (([(r, j) for j in range(width - 1)], (r, width - 1)),
                             ([(k, c) for k in range(height - 1)], (height - 1, c))):
            others = [grid[i][j] for i, j in cells if (i, j) != (r, c)]
            end = grid[total[0]][total[1]]
            if (r, c) == total and None not in others:
                return sum(others)
            if (r, c) != total and None not in others and end is not None:
                return end - sum(others)
        return None

    def fill(i: int) -> bool:
        if i == len(hidden):
            return True
        r, c = hidden[i]
        only = forced(r, c) if i else None
        for value in ([only] if only is not None else range(bound + 1)):
            if not 0 <= value <= bound or (i == 0 and value == true):
                continue
            grid[r][c] = value
            if (adds_up([(r, j) for j in range(width - 1)], (r, width - 1))
                    and adds_up([(k, c) for k in range(height - 1)], (height - 1, c)) and fill(i + 1)):
                return True
        grid[r][c] = None
        return False

    return fill(0)


def test_with_its_totals_no_hidden_number_can_be_worked_out_from_the_page():
    chance = random.Random(20261129)
    checked = 0
    for _ in range(TABLES):  # 3 x 3 passes too (checked by hand over 100 tables) but takes a minute
        height, width = chance.choice([(2, 2), (2, 3), (3, 2), (2, 4), (4, 2)])
        rows = [[chance.choice([0, 0, 1, 2, 3, 4, 5, 7]) for _ in range(width)] for _ in range(height)]
        shown = suppress_with_totals(rows)
        page = [[*cells, total] for cells, total in zip(shown.cells, shown.row_totals)]
        page.append([*shown.column_totals, shown.total])
        bordered = [[*row, sum(row)] for row in rows] + [[*(sum(column) for column in zip(*rows)), sum(map(sum, rows))]]
        for r, row in enumerate(page):
            for c, value in enumerate(row):
                assert value is None or (value == bordered[r][c] and not 0 < value < SMALL_CELL), (rows, page)
        bound = max(SMALL_CELL - 1, sum(map(sum, rows)))
        hidden = [(r, c) for r, row in enumerate(page) for c, value in enumerate(row) if value is None]
        pinned = [cell for cell in hidden if not _can_differ(page, cell, bordered[cell[0]][cell[1]], bound)]
        assert pinned == [], (rows, page, pinned)
        checked += len(hidden)
    assert checked > 400  # many hidden numbers were tried, not a few lucky tables


def test_a_table_with_nothing_small_is_shown_whole_with_its_totals():
    assert suppress_with_totals([[5, 7], [0, 9]]) == Suppressed([[5, 7], [0, 9]], [12, 9], [5, 16], 21)


# One-way tables over one shown total (referrals by service, by month…): each is a line whose listed rows hold
# at least 1, so a reader who knows the rules can tell more than from a bordered table. Tried exhaustively.
def _every_line(longest: int, largest_total: int):
    """Every line of 1 to `longest` rows, each at least 1, adding up to at most `largest_total`: all the lines a
    page with such a total could come from, so a group of them by what the page shows is complete."""
    for length in range(1, longest + 1):
        for counts in product(range(1, largest_total + 1), repeat=length):
            if sum(counts) <= largest_total:
                yield counts


def test_a_lone_small_count_is_hidden_with_the_smallest_others_and_ones_are_never_left_alone():
    assert suppress_line([7, 3, 9]) == [None, None, 9]  # the smallest other: 7
    assert suppress_line([6, 6, 2]) == [None, None, None]  # never one of two equal counts
    assert suppress_line([5, 4, 4, 9]) == [None, None, None, 9]  # 4 + 4 beside a 5 would have to be 4 and 4
    assert suppress_line([1, 1, 7]) == [None, None, None]  # two hidden ones would both be 1: the 7 goes too
    assert suppress_line([1, 2, 7]) == [None, None, 7]  # 1 + 2 = 3: each could be 1 or 2
    assert suppress_line([8, 5]) == [8, 5] and suppress_line([3]) is None and suppress_line([1, 1]) is None


def test_no_hidden_count_of_a_line_can_be_worked_out_even_knowing_the_rules():
    """Every line of up to 4 rows adding up to at most 20, grouped by what the page shows (its total too): a reader
    knowing the rules can only say the line is one of its group, and in every group each hidden row takes two
    values."""
    groups = defaultdict(list)
    for counts in _every_line(4, 20):
        shown = suppress_line(list(counts))
        if shown is not None:
            groups[tuple(shown), sum(counts)].append(counts)
    hidden_rows = 0
    for (shown, _), group in groups.items():
        for i, value in enumerate(shown):
            if value is None:
                hidden_rows += 1
                assert len({counts[i] for counts in group}) >= 2, (shown, group)
    assert hidden_rows > 2000


def test_tables_of_the_same_people_are_shown_together_or_not_at_all():
    tables = {"service": [5, 1, 1], "month": [7]}
    assert suppress_tables(tables) == {"service": [None, None, None], "month": [7]}
    assert suppress_tables({"service": [3], "month": [1, 2]}) is None  # a total of 1 to 4
    assert suppress_tables({"service": [1, 1, 1, 1, 1], "month": [5]}) is None  # five ones: nothing else to hide
    assert suppress_tables({"service": [], "month": []}) == {"service": [], "month": []}


def test_no_hidden_count_can_be_worked_out_from_two_tables_together_even_knowing_the_rules():
    """Pairs of lines over the same total, every pair of up to 3 rows adding up to at most 14, grouped by the page."""
    groups = defaultdict(list)
    lines = list(_every_line(3, 14))
    for first, second in product(lines, lines):
        if sum(first) == sum(second):
            shown = suppress_tables({"a": list(first), "b": list(second)})
            if shown is not None:
                groups[tuple(shown["a"]), tuple(shown["b"]), sum(first)].append((first, second))
    checked = 0
    for (a, b, _), group in groups.items():
        for table, shown in enumerate((a, b)):
            for i, value in enumerate(shown):
                if value is None:
                    checked += 1
                    assert len({pair[table][i] for pair in group}) >= 2, (a, b, group)
    assert checked > 2000


def test_zeros_beside_hidden_numbers_are_hidden_so_no_hidden_number_is_known_to_be_at_least_one():
    # The zero column sits between hidden counts: shown, it would tell a reader every other hidden cell is above 0.
    assert suppress_with_totals([[2, 0, 7], [6, 0, 9]]) == Suppressed(
        [[None, None, None], [None, None, None]], [9, 15], [None, None, None], 24)
    assert suppress_with_totals([]) == Suppressed([], [], [], 0)


def test_a_line_hides_no_more_than_it_must():
    assert suppress_line([3, 4, 5]) == [None, None, 5]  # 3 + 4 = 7 under twice 4: each can still move
    assert suppress_line([4, 4, 5]) == [None, None, None]  # 4 + 4 = 8 would be two 4s beside a 5


def test_tables_that_do_not_add_up_to_one_total_and_impossible_rows_are_refused():
    with pytest.raises(ValueError, match="same total"):
        suppress_tables({"service": [5, 2], "month": [6]})
    with pytest.raises(ValueError, match="at least 1"):
        suppress_line([5, 0])
    with pytest.raises(ValueError, match="same number of cells"):
        suppress([[1, 2], [3]])
