"""No service imports a blueprint: services hold the writes, blueprints the pages, and a page's shape (the
answers' step order and rows, a form's choices) never becomes a service's dependency.

Every module under portal/services/ (and the pure modules beside it) is read with Python's `ast`; every
import, at the top or inside a function, absolute or relative, is resolved to its module and compared with
the packages of the blueprints the app registers."""
import ast
from pathlib import Path

import pytest

from portal import create_app

PORTAL = Path(__file__).resolve().parent.parent / "portal"
NOT_PAGES = sorted(PORTAL.glob("services/*.py")) + [PORTAL / name for name in
                                                    ("answers.py", "eligibility.py", "matching.py")]


def blueprint_packages() -> set[str]:
    """"portal.apply", "portal.review", ...: the package of every blueprint the app registers."""
    app = create_app({"TESTING": True, "DATABASE_URL": "sqlite:///:memory:", "SECRET_KEY": "x"})
    packages = {bp.import_name.rsplit(".", 1)[0] for bp in app.blueprints.values()}
    assert {"portal.apply", "portal.review", "portal.status", "portal.programmes"} <= packages
    return packages


def imported_modules(source: str, package: str) -> set[str]:
    """Every module the code imports, as an absolute dotted name (a `from x import y` counts x and x.y)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            base = base[:len(base) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found |= {f"{module}.{alias.name}" for alias in node.names}
    return found


def package_of(path: Path) -> str:
    return ".".join(path.relative_to(PORTAL.parent).with_suffix("").parts[:-1])


def test_the_check_sees_relative_absolute_and_late_imports():
    source = ("from ..apply.steps import STEPS\nfrom . import audit\nimport portal.review.views\n"
              "def late():\n    from ..status import views\n")
    found = imported_modules(source, "portal.services")
    assert {"portal.apply.steps", "portal.services.audit", "portal.review.views", "portal.status.views"} <= found


@pytest.mark.parametrize("path", NOT_PAGES, ids=lambda p: str(p.relative_to(PORTAL)))
def test_no_service_or_pure_module_imports_a_blueprint(path):
    blueprints = blueprint_packages()
    offending = sorted(module for module in imported_modules(path.read_text(), package_of(path))
                       if any(module == bp or module.startswith(bp + ".") for bp in blueprints))
    assert not offending, f"{path.relative_to(PORTAL)} imports a blueprint: {offending}"
