"""Turning a place a person types into a point, offline; and distances between points. No Flask here.

Order of lookup: a full postcode in the postcode table (imported from ONSPD or Code-Point
Open); otherwise its postcode district (outcode) from the bundled gazetteer; a district
alone; a town, village or local authority district by name; the postcode area (e.g. "SW")
for postcodes far from Sussex. An online geocoder, when configured, is asked only about
what the offline data cannot answer, so a victim's words stay on our server when they can.

A place that is known to be outside Sussex (a county, a city, a border village, a postcode
in an area with no Sussex postcodes) is said to be outside, never "not found"; a name
nothing knows gets the Sussex places within a typo or two of it as suggestions.
"""

import csv
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from whoosh.support.levenshtein import damerau_levenshtein

from search.distance import Point, miles_between

FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
OUTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
POSTCODE_AREA = re.compile(r"^[A-Z]{1,2}")
# "Newhaven (Lewes)": how the page offers a choice between places of the same name.
QUALIFIED_NAME = re.compile(r"^(?P<name>.+?)\s*\((?P<district>[^()]+)\)$")
SUSSEX = "SUSSEX"
# A point further than this from every postcode district centre is taken to be outside Sussex.
NEAREST_DISTRICT_MILES = 8.0
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Place:
    """A resolved place: where it is, what to call it, and which areas (ONS codes) contain it."""

    label: str
    point: Point
    area_codes: tuple[str, ...] = ()
    approximate: bool = False  # e.g. a full postcode answered by its district's centre


@dataclass(frozen=True)
class Resolution:
    """The answer to "where is this?": a place, a choice between several, somewhere outside Sussex
    (`outside` says where: "Kent", "London"), or nothing, perhaps with places the text may have meant."""

    query: str
    place: Place | None = None
    candidates: tuple[Place, ...] = ()
    suggestions: tuple[Place, ...] = ()
    outside: str | None = None

    @property
    def found(self) -> bool:
        return self.place is not None

    @property
    def is_outside(self) -> bool:
        return self.outside is not None


def normalise_postcode(text: str) -> str | None:
    """`bn11aa`, ` BN1  1AA ` → `BN1 1AA`; anything else → None."""
    compact = re.sub(r"\s+", "", text).upper()
    match = FULL_POSTCODE.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else None


def _name_key(text: str) -> str:
    """Fold case, accents, punctuation and "Saint" → "st", so "St. Leonards" finds "St Leonards"."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    words = re.findall(r"[a-z0-9]+", folded.replace("&", " and "))
    return " ".join("st" if word == "saint" else word for word in words)


@dataclass
class Gazetteer:
    """The bundled place tables (data/gazetteer/), held in memory: a few thousand rows."""

    outcodes: dict[str, Place] = field(default_factory=dict)
    areas: dict[str, Place] = field(default_factory=dict)
    names: dict[str, list[Place]] = field(default_factory=lambda: defaultdict(list))
    district_names: dict[str, str] = field(default_factory=dict)  # ONS code → name
    county_of: dict[str, str] = field(default_factory=dict)  # ONS district code → county code
    outside: dict[str, str] = field(default_factory=dict)  # name key → where it is ("Kent")
    area_names: dict[str, str] = field(default_factory=dict)  # postcode area → its name ("ME" → "Rochester")

    @classmethod
    def from_folder(cls, folder: str | Path) -> "Gazetteer":
        folder = Path(folder)
        gazetteer = cls()
        for row in _rows(folder / "districts.csv"):
            gazetteer._add_district(row)
        for row in _rows(folder / "places.csv"):
            gazetteer._add_place(row)
        post_towns = defaultdict(list)
        for row in _rows(folder / "outcodes.csv"):
            outcode = Place(
                label=row["outcode"],
                point=Point(float(row["latitude"]), float(row["longitude"])),
                area_codes=gazetteer.codes_containing(row["district_code"]),
            )
            gazetteer.outcodes[row["outcode"]] = outcode
            post_towns[row["post_town"]].append(outcode)
        for post_town, outcodes in post_towns.items():
            gazetteer._add_post_town(post_town, outcodes)
        for row in _rows(folder / "postcode_areas.csv"):
            gazetteer.areas[row["area"]] = Place(
                label=row["area"], point=Point(float(row["latitude"]), float(row["longitude"])), approximate=True
            )
            gazetteer.area_names[row["area"]] = row["name"]
        for row in _rows(folder / "excluded_places.csv"):
            gazetteer.outside.setdefault(_name_key(row["name"]), re.split(r"[ (;]", row["reason"])[0])
        for row in _rows(folder / "outside_places.csv"):
            gazetteer.outside.setdefault(_name_key(row["name"]), row["where"])
        return gazetteer

    def _add_district(self, row: dict) -> None:
        code, county = row["code"], row["county"]
        self.district_names[code] = row["name"]
        if code != county:
            self.county_of[code] = county
        place = Place(label=row["name"], point=Point(float(row["latitude"]), float(row["longitude"])),
                      area_codes=self.codes_containing(code))
        self.names[_name_key(row["name"])].append(place)

    def _add_post_town(self, post_town: str, outcodes: list[Place]) -> None:
        """A post town GeoNames lacks (Polegate, Mayfield): the centre of its postcode districts."""
        key = _name_key(post_town)
        if key in self.names:
            return
        latitude = sum(o.point.latitude for o in outcodes) / len(outcodes)
        longitude = sum(o.point.longitude for o in outcodes) / len(outcodes)
        label = post_town.title().replace("-On-", "-on-").replace("-By-", "-by-")
        self.names[key].append(Place(label=label, point=Point(round(latitude, 5), round(longitude, 5)),
                                     area_codes=outcodes[0].area_codes))

    def _add_place(self, row: dict) -> None:
        place = Place(
            label=row["name"],
            point=Point(float(row["latitude"]), float(row["longitude"])),
            area_codes=self.codes_containing(row["district_code"]),
        )
        spellings = {row["name"], *filter(None, row["alternate_names"].split("|"))}
        for key in {_name_key(spelling) for spelling in spellings}:
            self.names[key].append(place)

    def codes_containing(self, district_code: str) -> tuple[str, ...]:
        """The district, its county, and Sussex as a whole: every service area that covers it."""
        if not district_code:
            return ()
        codes = [district_code]
        county = self.county_of.get(district_code)
        if county:
            codes.append(county)
        if district_code != SUSSEX:
            codes.append(SUSSEX)
        return tuple(codes)

    def districts(self) -> list[tuple[str, str]]:
        """The local authority districts (ONS E06/E07 codes, not counties), by name."""
        return sorted(((code, name) for code, name in self.district_names.items() if code.startswith(("E06", "E07"))),
                      key=lambda district: district[1])

    def area_code_for_name(self, name: str) -> str | None:
        """"West Sussex" → E10000032: for service areas recorded by name only."""
        key = _name_key(name)
        return next((code for code, known in self.district_names.items() if _name_key(known) == key), None)

    def coarse_point(self, name: str) -> Point | None:
        """The point of a town, district or county by name, if the name is not ambiguous."""
        points = {place.point for place in self._by_name(name)}
        return points.pop() if len(points) == 1 else None

    def around(self, point: Point, label: str = "your location") -> Place:
        """A place for a bare point (from "Use my location"), in the areas of the nearest district."""
        nearest = min(self.outcodes.values(), key=lambda o: miles_between(point, o.point), default=None)
        close = nearest is not None and miles_between(point, nearest.point) <= NEAREST_DISTRICT_MILES
        return Place(label=label, point=point, area_codes=nearest.area_codes if close else ())

    def _by_name(self, text: str) -> list[Place]:
        qualified = QUALIFIED_NAME.match(text)
        if qualified:
            district = _name_key(qualified["district"])
            return [
                place
                for place in self.names.get(_name_key(qualified["name"]), [])
                if any(_name_key(self.district_names.get(code, "")) == district for code in place.area_codes)
            ]
        return self.names.get(_name_key(text), [])

    def describe(self, place: Place) -> str:
        """"Newhaven (Lewes)": a label that tells apart places of the same name."""
        district = next((self.district_names[c] for c in place.area_codes if c in self.district_names), None)
        return f"{place.label} ({district})" if district and district != place.label else place.label

    def resolve(self, text: str, postcode_lookup: Callable[[str], Point | None] = lambda _: None,
                online: Callable[[str], Point | None] | None = None) -> Resolution:
        """Find a place offline (then online, if configured) for what a person typed."""
        text = text.strip()[:100]
        postcode = normalise_postcode(text)
        if postcode:
            outside = self._outside_area(postcode.split(" ")[0])
            if outside:
                return Resolution(text, outside=outside)
            return Resolution(text, place=self._postcode(postcode, postcode_lookup, online))
        compact = re.sub(r"\s+", "", text).upper()
        if OUTCODE.match(compact) and compact in self.outcodes:
            return Resolution(text, place=self.outcodes[compact])
        if OUTCODE.match(compact) and self._outside_area(compact):
            return Resolution(text, outside=self._outside_area(compact))
        matches = self._by_name(text)
        distinct = list({(p.label, p.point): p for p in matches}.values())
        if len(distinct) == 1:
            return Resolution(text, place=distinct[0])
        if len(distinct) > 1:
            return Resolution(text, candidates=tuple(distinct))
        if _name_key(text) in self.outside:
            return Resolution(text, outside=self.outside[_name_key(text)])
        suggestions = self.suggestions(text)
        if suggestions:  # asked before the geocoder: "Crawly" is a typo, not a place to send away
            return Resolution(text, suggestions=suggestions)
        point = online(text) if online and text else None
        return Resolution(text, place=Place(label=text, point=point) if point else None)

    def _outside_area(self, outcode: str) -> str | None:
        """The name of a postcode's area when no Sussex postcode shares it ("ME" → "Rochester"), else None.

        Areas Sussex shares (BN, RH, TN, PO, GU) are searched by distance even beyond the county
        line: a border postcode's nearest services may well be in Sussex.
        """
        area = POSTCODE_AREA.match(outcode).group(0)
        if area in self._sussex_areas or area not in self.area_names:
            return None
        return f"the {self.area_names[area]} postcode area"

    @property
    def _sussex_areas(self) -> set[str]:
        return {POSTCODE_AREA.match(outcode).group(0) for outcode in self.outcodes}

    def suggestions(self, text: str) -> tuple[Place, ...]:
        """Sussex places within one edit (names up to six letters) or two (longer) of the text, closest first."""
        key = _name_key(text)
        if len(key) < 4:
            return ()
        allowed = 1 if len(key) <= 6 else 2
        scored = []
        for name, places in self.names.items():
            if abs(len(name) - len(key)) > allowed:
                continue
            distance = damerau_levenshtein(key, name, allowed)
            if distance <= allowed:
                scored += [(distance, place.label, place) for place in places]
        found = {}
        for _, _, place in sorted(scored, key=lambda item: item[:2]):
            found.setdefault((place.label, place.point), place)
        return tuple(found.values())[:MAX_SUGGESTIONS]

    def _postcode(self, postcode: str, lookup, online) -> Place | None:
        outcode = postcode.split(" ")[0]
        district = self.outcodes.get(outcode)
        codes = district.area_codes if district else ()
        exact = lookup(postcode) or (online(postcode) if online else None)
        if exact:
            return Place(label=postcode, point=exact, area_codes=codes)
        if district:
            return Place(label=outcode, point=district.point, area_codes=codes, approximate=True)
        area = self.areas.get(POSTCODE_AREA.match(outcode).group(0))
        if area:
            return Place(label=area.label, point=area.point, approximate=True)
        return None


POSTCODE_IN_TEXT = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)


def postcode_in_words(text: str) -> tuple[str, str | None]:
    """A full postcode typed among the words, taken out: ("domestic abuse", "BN1 1AA"), else (text, None)."""
    match = POSTCODE_IN_TEXT.search(text)
    if not match:
        return text, None
    rest = " ".join((text[: match.start()] + " " + text[match.end():]).split())
    return rest, normalise_postcode(match.group(0))


def _rows(path: Path):
    if not path.exists():
        return
    with path.open(encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)
