"""axe-core in the page: the accessibility check shared by the public and staff browser tests."""

from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.2 AA, as the public sector accessibility regulations ask, plus axe's best practices.
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def accessibility_violations(page) -> list:
    """What axe-core finds wrong with the page as it is now, as (rule, help, [elements]).

    The page's context must be opened with bypass_csp=True: the pages' own policy refuses injected scripts.
    """
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    # resultTypes: only violations are wanted, and skipping the details of passes makes big forms quicker.
    result = page.evaluate("async tags => await axe.run(document, {runOnly: {type: 'tag', values: tags}, "
                           "resultTypes: ['violations']})", TAGS)
    return [(v["id"], v["help"], [node["target"] for node in v["nodes"]]) for v in result["violations"]]
