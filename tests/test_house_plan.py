"""The house plan, checked: where code lives and what each layer may do.

The domain in feature packages under directory/, Flask only in directory/web/ (and the CLI),
views thin and free of queries, search/ knowing nothing of Flask or the directory.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DIRECTORY = ROOT / "directory"
WEB = DIRECTORY / "web"
MAX_LOOSE_MODULES = 12
MAX_MODULE_LINES = 500
MAX_VIEW_LINES = 30
# Session and query calls a view must leave to a domain function.
QUERY_CALLS = {"select", "exec", "query", "execute", "get", "scalars", "scalar"}


def python_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.py") if "__pycache__" not in path.parts)


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    return names


def views(path: Path):
    """Functions registered as routes on a blueprint (public pages through `page`, in every language)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(d, ast.Call) and (
                (isinstance(d.func, ast.Attribute) and d.func.attr in {"route", "get", "post"})
                or (isinstance(d.func, ast.Name) and d.func.id == "page"))
            for d in node.decorator_list
        ):
            yield node


def test_at_most_a_dozen_modules_stay_loose_at_the_top_of_directory():
    loose = sorted(path.name for path in DIRECTORY.glob("*.py"))
    assert len(loose) <= MAX_LOOSE_MODULES, loose


@pytest.mark.parametrize("path", python_files(DIRECTORY) + python_files(ROOT / "search"), ids=str)
def test_no_module_passes_five_hundred_lines(path):
    assert len(path.read_text().splitlines()) <= MAX_MODULE_LINES


@pytest.mark.parametrize("path", [p for p in python_files(DIRECTORY) if WEB not in p.parents], ids=str)
def test_flask_stays_in_the_web_layer(path):
    uses_flask = {name for name in imported_modules(path) if name.split(".")[0] in {"flask", "flask_wtf", "wtforms"}}
    if path == DIRECTORY / "cli.py":  # commands run in an app context
        uses_flask = {name for name in uses_flask if not name.startswith("flask")}
    assert not uses_flask


@pytest.mark.parametrize("path", python_files(ROOT / "search"), ids=str)
def test_search_knows_nothing_of_flask_the_database_or_the_directory(path):
    roots = {name.split(".")[0] for name in imported_modules(path)}
    assert not roots & {"flask", "sqlalchemy", "sqlmodel", "directory"}


@pytest.mark.parametrize("path", python_files(WEB), ids=str)
def test_views_are_thin_and_leave_queries_to_the_domain(path):
    for view in views(path):
        assert view.end_lineno - view.lineno + 1 <= MAX_VIEW_LINES, f"{view.name} is over {MAX_VIEW_LINES} lines"
    source = ast.parse(path.read_text())
    imported = imported_modules(path)
    if path != WEB / "context.py":  # which opens the request's session
        assert not {"sqlalchemy", "sqlmodel"} & {name.split(".")[0] for name in imported}, "SQL belongs in the domain"
    for node in ast.walk(source):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in QUERY_CALLS:
            receiver = node.func.value
            # (`session` in a view is Flask's cookie session; the database's is `db` or get_session())
            on_session = (isinstance(receiver, ast.Name) and receiver.id == "db") or (
                isinstance(receiver, ast.Call) and getattr(receiver.func, "id", "") == "get_session")
            assert not on_session, f"line {node.lineno}: a query on the session in the web layer"
