"""Search documents for tests of search/ on its own, without a database."""


def document(identifier: str, name: str, *, description: str = "", needs: str = "", needs_text: str = "",
             flags: str = "", languages: str = "en", audience: str = "", delivery: str = "phone",
             organization: str = "Example Trust", modified: int = 0, areas: str = "",
             point: tuple[float, float] | None = None) -> dict:
    return {
        "id": identifier,
        "name": name,
        "name_exact": name.casefold(),
        "alternate_name": "",
        "organization": organization,
        "needs_text": needs_text,
        "description": description,
        "details": "",
        "spelling": " ".join([name, organization, needs_text, description]),
        "needs": needs,
        "audience": audience,
        "delivery": delivery,
        "languages": languages,
        "flags": flags,
        "areas": areas,
        "name_sort": name.casefold(),
        "modified": modified,
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
    }
