"""The coverage matrix as pictures drawn on the server: a heat-map of areas × needs and a tile map of the districts.

Plain SVG text, every word escaped, no script and no library at run time. Each picture is an image
with a title, described by the table on the page that says the same in words and numbers (its text
alternative), so nothing is only in the picture. Colours come with a mark too (a cross for no service
open regardless of status), so the picture does not rely on colour alone.
"""

from html import escape

from directory.evidence.coverage import Area, Coverage

# Shades of blue from none to many services open regardless of immigration status (GOV.UK palette tints).
SHADES = ((0, "#f3f2f1"), (1, "#d2e2f1"), (2, "#8eb8dc"), (4, "#5694ca"), (6, "#1d70b8"))
DARK_SHADES = {"#5694ca", "#1d70b8"}
TEXT = "#0b0c0c"
GAP = "#d4351c"
CELL, LABEL_WIDTH, HEADER_HEIGHT = 34, 170, 190
# The districts laid out roughly as they sit on the map, west to east, north above south: (column, row).
TILE_PLACES = {
    "E07000225": (0, 1),  # Chichester
    "E07000224": (1, 1),  # Arun
    "E07000227": (2, 0),  # Horsham
    "E07000229": (2, 1),  # Worthing
    "E07000226": (3, 0),  # Crawley
    "E07000223": (3, 1),  # Adur
    "E07000228": (4, 0),  # Mid Sussex
    "E06000043": (4, 1),  # Brighton and Hove
    "E07000065": (5, 0),  # Wealden
    "E07000063": (5, 1),  # Lewes
    "E07000064": (6, 0),  # Rother
    "E07000061": (6, 1),  # Eastbourne
    "E07000062": (7, 1),  # Hastings
}
TILE_WIDTH, TILE_HEIGHT = 120, 86


def shade(count: int) -> str:
    return [colour for least, colour in SHADES if count >= least][-1]


def _text_colour(fill: str) -> str:
    return "#ffffff" if fill in DARK_SHADES else TEXT


def _svg(width: int, height: int, title_id: str, title: str, described_by: str, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="app-picture" viewBox="0 0 {width} {height}" '
            f'role="img" aria-labelledby="{escape(title_id)}" aria-describedby="{escape(described_by)}" '
            f'font-family="sans-serif" font-size="13">'
            f'<title id="{escape(title_id)}">{escape(title)}</title>' + "".join(body) + "</svg>")


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def heat_map(result: Coverage, described_by: str, title_id: str = "coverage-heat-map-title") -> str:
    """Each cell coloured by how many services are open regardless of immigration status; a cross where none is."""
    width = LABEL_WIDTH + CELL * len(result.needs) + 110  # room for the last need's slanted name
    height = HEADER_HEIGHT + CELL * len(result.areas) + 10
    body = []
    for column, need in enumerate(result.needs):
        x = LABEL_WIDTH + column * CELL + CELL // 2
        body.append(f'<text x="{x}" y="{HEADER_HEIGHT - 8}" transform="rotate(-60 {x} {HEADER_HEIGHT - 8})" '
                    f'fill="{TEXT}">{escape(_short(need.name, 26))}</text>')
    for row, area in enumerate(result.areas):
        y = HEADER_HEIGHT + row * CELL
        weight = "bold" if area.kind != "district" else "normal"
        body.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + CELL // 2 + 4}" text-anchor="end" font-weight="{weight}" '
                    f'fill="{TEXT}">{escape(_short(area.name, 22))}</text>')
        for column, need in enumerate(result.needs):
            cell = result.cell(area, need)
            x, fill = LABEL_WIDTH + column * CELL, shade(cell.open_to_all)
            body.append(f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" fill="{fill}" stroke="#ffffff"/>')
            if cell.no_open_service:
                body.append(f'<path d="M{x + 9} {y + 9}L{x + CELL - 9} {y + CELL - 9}M{x + CELL - 9} {y + 9}'
                            f'L{x + 9} {y + CELL - 9}" stroke="{GAP}" stroke-width="3"/>')
            else:
                body.append(f'<text x="{x + CELL // 2}" y="{y + CELL // 2 + 5}" text-anchor="middle" '
                            f'fill="{_text_colour(fill)}">{cell.open_to_all}</text>')
    title = (f"Heat-map of services open regardless of immigration status, {len(result.areas)} areas by "
             f"{len(result.needs)} needs; a red cross marks a need with none. The table below gives every number.")
    return _svg(width, height, title_id, title, described_by, body)


def needs_met(result: Coverage, area: Area) -> int:
    """How many needs have at least one service open regardless of immigration status in the area."""
    return sum(not result.cell(area, need).no_open_service for need in result.needs)


def district_tiles(result: Coverage, described_by: str, title_id: str = "coverage-tiles-title") -> str:
    """A tile for each district, placed roughly as on the map: needs with a service open regardless of status."""
    districts = result.districts
    spare = iter(range(len(TILE_PLACES), len(TILE_PLACES) + len(districts)))
    places = {area.code: TILE_PLACES.get(area.code) or (next(spare), 2) for area in districts}
    columns = max((column for column, _ in places.values()), default=0) + 1
    rows = max((row for _, row in places.values()), default=0) + 1
    body, needs = [], len(result.needs)
    for area in districts:
        column, row = places[area.code]
        x, y = column * TILE_WIDTH + 4, row * TILE_HEIGHT + 4
        met = needs_met(result, area)
        fill = shade(round(6 * met / needs) if needs else 0)
        colour = _text_colour(fill)
        body.append(f'<rect x="{x}" y="{y}" width="{TILE_WIDTH - 8}" height="{TILE_HEIGHT - 8}" rx="4" '
                    f'fill="{fill}" stroke="{TEXT}"/>')
        body.append(f'<text x="{x + 8}" y="{y + 22}" font-weight="bold" fill="{colour}">'
                    f'{escape(_short(area.name, 15))}</text>')
        body.append(f'<text x="{x + 8}" y="{y + 48}" font-size="20" fill="{colour}">{met}/{needs}</text>')
        body.append(f'<text x="{x + 8}" y="{y + 68}" font-size="11" fill="{colour}">needs met</text>')
    title = (f"Map tiles of the {len(districts)} Sussex districts: for each, how many of the {needs} needs have a "
             "service open regardless of immigration status. The table below gives every number.")
    return _svg(columns * TILE_WIDTH + 8, rows * TILE_HEIGHT + 8, title_id, title, described_by, body)
