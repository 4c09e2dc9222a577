"""The coverage matrix's gaps and filters said in plain words, for the page and the printout. No Flask here."""

from directory.evidence.coverage import Area, Coverage, CoverageFilters

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def in_words(number: int) -> str:
    return _NUMBER_WORDS[number] if 0 <= number < len(_NUMBER_WORDS) else str(number)


def services_in_words(number: int) -> str:
    return f"{in_words(number)} service{'' if number == 1 else 's'}"


def _lower_first(name: str) -> str:
    """"Harmful practices (FGM…)" → "harmful practices (FGM…)"; "NRPF advice" stays as it is."""
    return name[0].lower() + name[1:] if len(name) > 1 and not name[1].isupper() else name


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def gaps_in_words(result: Coverage) -> list[tuple[Area, list[str]]]:
    """For each area with any gap, plain sentences: needs with no service open regardless of immigration
    status, needs where none of those supports people with no recourse to public funds, and needs with
    only one service open regardless of status."""
    said = []
    for area in result.areas:
        cells = [(need, result.cell(area, need)) for need in result.needs]
        none_open = [_lower_first(need.name) for need, cell in cells if cell.no_open_service]
        no_nrpf = [f"{_lower_first(need.name)} ({services_in_words(cell.open_to_all)})" for need, cell in cells
                   if not cell.no_open_service and cell.no_nrpf_service]
        only_one = [_lower_first(need.name) for need, cell in cells if cell.open_to_all == 1]
        sentences = []
        if none_open:
            sentences.append(f"No service open regardless of immigration status for {_joined(none_open)}.")
        if no_nrpf:
            sentences.append("Services open regardless of status, but none supporting people with no recourse "
                             f"to public funds, for {_joined(no_nrpf)}.")
        if only_one:
            sentences.append(f"Only one service open regardless of status for {_joined(only_one)}.")
        if sentences:
            said.append((area, sentences))
    return said


def filters_in_words(filters: CoverageFilters, languages: dict[str, str], delivery: dict[str, str]) -> str:
    """"Services speaking Polish, led by and for their community": what the counts are narrowed to."""
    parts = []
    if filters.language:
        parts.append(f"speaking {languages.get(filters.language, filters.language)}")
    if filters.led_by_and_for:
        parts.append("led by and for their community")
    if filters.delivery:
        parts.append("offering help " + " or ".join(delivery.get(code, code).lower() for code in filters.delivery))
    if filters.commissioned:
        parts.append("commissioned by the Police and Crime Commissioner")
    return "All active public services" if not parts else "Services " + ", ".join(parts)
