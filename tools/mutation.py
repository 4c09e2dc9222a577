"""Mutation testing of the modules victims depend on: does a test fail when the code that keeps a promise breaks?

mutmut takes its settings from one [tool.mutmut] table, and left to itself runs every test that
touches a mutated line, which makes a module like search/query.py take hours. So each module is
tested in a scratch copy of the project (build/mutation/<name>/) whose pyproject.toml names that
module and the tests that guard it; each finishes in minutes and can be read afterwards with
`mutmut results` or `mutmut show NAME` run in that folder.

    python tools/mutation.py                 # every module
    python tools/mutation.py wording rules   # some of them
    python tools/mutation.py --floor 90      # exit 1 if any score is below 90%
"""

import argparse
import re
import shutil
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "build" / "mutation"
MUTMUT = Path(sys.executable).parent / "mutmut"

# name: (the modules mutated, the tests that guard them). Tests that build the whole sample directory
# (the officer's scenario tests) guard matching too, but would make its run take hours: its tables do.
MODULES = {
    "wording": (["directory/conditions.py", "directory/listings/wording.py"],
                ["tests/directory/test_conditions.py", "tests/directory/listings",
                 "tests/web/public/test_condition_wording.py", "tests/web/public/test_service_page.py"]),
    "rules": (["directory/pathway/rules.py"],
              ["tests/directory/pathway/test_rules.py", "tests/directory/pathway/test_policy_and_shares.py"]),
    "matching": (["directory/pathway/services.py"],
                 ["tests/directory/pathway/test_services.py", "tests/directory/pathway/test_service_conditions.py"]),
    "referrals": (["directory/pathway/referrals.py"],
                  ["tests/web/officer/test_referrals.py", "tests/web/officer/test_unmet_and_tallies.py"]),
    "suppression": (["directory/evidence/suppression.py"], ["tests/directory/evidence/test_suppression.py"]),
    "search": (["search/query.py"], ["tests/search"]),
}
DETECTED = {"killed", "timeout"}
UNDETECTED = {"survived", "no tests"}


def scratch_copy(name: str, modules: list[str], tests: list[str]) -> Path:
    """The project as git knows it, with a pyproject.toml that mutates `modules` and runs `tests`."""
    folder = WORK / name
    shutil.rmtree(folder, ignore_errors=True)
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split()
    for relative in files:
        source = ROOT / relative
        if source.is_file():
            (folder / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, folder / relative)
    # What `make install` builds and git ignores, which the app refuses to start without: the compiled
    # catalogues and the stylesheet, script and their manifest.
    for built in [*ROOT.glob("data/translations/*/LC_MESSAGES/*.mo"), *(ROOT / "static" / "build").rglob("*")]:
        if built.is_file():
            (folder / built.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(built, folder / built.relative_to(ROOT))
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "mutmut" not in settings.get("tool", {}), "mutmut's settings are written here, per module"
    with open(folder / "pyproject.toml", "a", encoding="utf-8") as pyproject:
        pyproject.write("\n[tool.mutmut]\n"
                        f"source_paths = {sorted({module.split('/')[0] + '/' for module in modules})!r}\n"
                        f"only_mutate = {modules!r}\n"
                        'also_copy = ["app.py", "data/", "templates/", "migrations/", "static/"]\n'
                        'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q"]\n'
                        f"pytest_add_cli_args_test_selection = {tests!r}\n")
    return folder


def results(folder: Path) -> Counter:
    listing = subprocess.run([str(MUTMUT), "results", "--all", "true"], cwd=folder, capture_output=True, text=True)
    return Counter(match.group(1) for match in re.finditer(r"__mutmut_\d+: (.+)$", listing.stdout, re.MULTILINE))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("names", nargs="*", help=f"modules to test: {', '.join(MODULES)} (default: all)")
    parser.add_argument("--floor", type=float, default=0.0, help="fail if a score is below this percentage")
    arguments = parser.parse_args()
    unknown = set(arguments.names) - set(MODULES)
    if unknown:
        parser.error(f"no module called {', '.join(sorted(unknown))}")
    scores = {}
    for name in arguments.names or MODULES:
        modules, tests = MODULES[name]
        folder = scratch_copy(name, modules, tests)
        subprocess.run([str(MUTMUT), "run", "--max-children", "2"], cwd=folder, stdout=subprocess.DEVNULL)
        counts = results(folder)
        detected, undetected = sum(counts[s] for s in DETECTED), sum(counts[s] for s in UNDETECTED)
        scores[name] = 100.0 * detected / max(1, detected + undetected)
        print(f"{name:10} {scores[name]:5.1f}%  {detected} of {detected + undetected} mutants detected  "
              f"({', '.join(f'{count} {status}' for status, count in sorted(counts.items()))})  {' '.join(modules)}")
    below = [name for name, score in scores.items() if score < arguments.floor]
    if below:
        print(f"Below {arguments.floor:.0f}%: {', '.join(below)}. See `mutmut results` in build/mutation/<name>/.")
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
