"""The portal uses its libraries' public API only: a library upgrade must not break it silently.

Every module under portal/ is read (Python's `ast`) for a library's private names: `from <library> import
_name`, `<library object>._name` (an attribute read, written or called; also through getattr/hasattr/
setattr/delattr and `g.get("_name")`), and a portal class overriding a library class's private method.
Dunder names are Python's, not private. The portal's own private names are its business: `self._name` is
the portal's when the portal's own classes define it (and no library class behind them does), and any
other `x._name` when the portal defines that name somewhere and none of the libraries uses it."""
import ast
import contextlib
import importlib
import inspect
import textwrap
from functools import cache
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parent.parent / "portal"
LIBRARIES = ("peewee", "playhouse", "flask", "flask_babel", "wtforms", "werkzeug", "flask_wtf", "flask_login")
# Private by their name, public by their documentation.
DOCUMENTED = {
    "_meta": "peewee: Model._meta, the model's metadata (docs: Models and Fields, Model options)",
    "_get_current_object": "werkzeug: LocalProxy._get_current_object(), the object behind current_user",
    "_value": "wtforms: Field._value(), the text a custom field's input shows (docs: Custom Fields)",
}
NAME_GETTERS = {"getattr", "hasattr", "setattr", "delattr"}


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__")) and name != "_"


def is_library(module_name: str | None) -> bool:
    return (module_name or "").split(".")[0] in LIBRARIES


def assigned_on_self(tree) -> set[str]:
    """Private attributes a piece of code sets on `self`/`cls` (instance state it owns)."""
    return {node.attr for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls") and is_private(node.attr)}


@cache
def library_class_names(cls) -> frozenset[str]:
    """The private names a library class defines: in its body, and set on its instances by its methods."""
    names = {name for name in vars(cls) if is_private(name)}
    # No Python source (a C extension, a builtin): the names in its body, above, are all there is.
    with contextlib.suppress(OSError, TypeError, SyntaxError):
        names |= assigned_on_self(ast.parse(textwrap.dedent(inspect.getsource(cls))))
    return frozenset(names)


@cache
def library_private_names() -> frozenset[str]:
    """Every private name the libraries' own code defines or sets on its objects."""
    names = set()
    for library in LIBRARIES:
        root = Path(importlib.import_module(library).__file__)
        files = [root] if root.name != "__init__.py" else root.parent.rglob("*.py")
        for path in files:
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and is_private(node.name):
                    names.add(node.name)
                elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store) and is_private(node.attr):
                    names.add(node.attr)
                elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and is_private(node.id):
                    names.add(node.id)
    return frozenset(names)


def portal_modules():
    for path in sorted(PORTAL.rglob("*.py")):
        parts = path.relative_to(PORTAL.parent).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


class ClassInfo:
    """A portal class: the private names its portal classes define, and those its library bases define."""

    def __init__(self, cls, own_names):
        self.own, self.library = set(), set()
        for base in cls.__mro__[1:] if cls is not None else ():
            if base.__module__.split(".")[0] == "portal":
                self.own |= own_names.get((base.__module__, base.__qualname__), set())
            elif is_library(base.__module__):
                self.library |= library_class_names(base)


def class_body_names(node: ast.ClassDef) -> set[str]:
    names = assigned_on_self(node)
    for item in node.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(item.name)
        elif isinstance(item, (ast.Assign, ast.AnnAssign)):
            for target in (item.targets if isinstance(item, ast.Assign) else [item.target]):
                if isinstance(target, ast.Name):
                    names.add(target.id)
    return {name for name in names if is_private(name)}


def portal_defined(trees) -> tuple[set[str], dict]:
    """Private names the portal defines anywhere, and per class (module, qualname) those its body defines."""
    names, per_class = set(), {}
    for module, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and is_private(node.name):
                names.add(node.name)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and is_private(node.id):
                names.add(node.id)
        names |= assigned_on_self(tree)

        def visit(node, prefix):
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.ClassDef):
                    qualname = f"{prefix}{child.name}"
                    per_class[(module, qualname)] = class_body_names(child)
                    visit(child, f"{qualname}.")
                elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    visit(child, f"{prefix}{child.name}.<locals>.")
                else:
                    visit(child, prefix)
        visit(tree, "")
    return names, per_class


class Scanner(ast.NodeVisitor):
    def __init__(self, module_name, module, path, defined, per_class):
        self.module_name, self.module, self.path = module_name, module, path
        self.defined, self.per_class = defined, per_class
        self.library_modules = set()      # names bound to a library module or object by an import
        self.classes = []                 # the classes being read, innermost last: ClassInfo
        self.found = []

    def report(self, node, what):
        self.found.append(f"{self.path.relative_to(PORTAL.parent)}:{node.lineno}: {what}")

    # imports
    def visit_Import(self, node):
        for alias in node.names:
            if is_library(alias.name):
                self.library_modules.add((alias.asname or alias.name).split(".")[0])

    def visit_ImportFrom(self, node):
        if node.level == 0 and is_library(node.module):
            for alias in node.names:
                if is_private(alias.name):
                    self.report(node, f"from {node.module} import {alias.name}")
                self.library_modules.add(alias.asname or alias.name)

    # classes: which private names are the portal's own there
    def visit_ClassDef(self, node):
        cls = self.resolve(node)
        info = ClassInfo(cls, self.per_class)
        info.own |= class_body_names(node)
        for name in sorted((class_body_names(node) & info.library) - DOCUMENTED.keys()):
            self.report(node, f"class {node.name} overrides the library's private {name}")
        self.classes.append(info)
        self.generic_visit(node)
        self.classes.pop()

    def resolve(self, node):
        """The class object an (unnested) class statement made, or None."""
        found = vars(self.module).get(node.name)
        return found if inspect.isclass(found) and found.__module__ == self.module_name else None

    # attributes
    def visit_Attribute(self, node):
        if is_private(node.attr):
            self.check(node, node.value, node.attr)
        self.generic_visit(node)

    def visit_Call(self, node):
        func, args = node.func, node.args
        named = [a.value for a in args[1:2] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if isinstance(func, ast.Name) and func.id in NAME_GETTERS and named and is_private(named[0]):
            self.check(node, args[0], named[0])
        first = [a.value for a in args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if (isinstance(func, ast.Attribute) and func.attr in ("get", "pop", "setdefault")
                and isinstance(func.value, ast.Name) and func.value.id == "g" and first and is_private(first[0])):
            self.check(node, func.value, first[0])
        self.generic_visit(node)

    def check(self, node, target, name):
        if name in DOCUMENTED:
            return
        text = f"{ast.unparse(target)}.{name}"
        on_self = (isinstance(target, ast.Name) and target.id in ("self", "cls")) or (
            isinstance(target, ast.Call) and isinstance(target.func, ast.Name) and target.func.id == "super")
        if on_self and self.classes:
            info = self.classes[-1]
            if name in info.library or name not in info.own:
                self.report(node, f"{text}: a library class's private name")
            return
        if isinstance(target, ast.Name) and target.id in self.library_modules:
            self.report(node, f"{text}: a library's private name")
            return
        if name in library_private_names() or name not in self.defined:
            self.report(node, f"{text}: not the portal's own (a library's private name)")


def scan() -> list[str]:
    trees, modules = {}, {}
    for module_name, path in portal_modules():
        trees[module_name] = ast.parse(path.read_text(encoding="utf-8"), str(path))
        modules[module_name] = (importlib.import_module(module_name), path)
    defined, per_class = portal_defined(trees)
    found = []
    for module_name, (module, path) in modules.items():
        scanner = Scanner(module_name, module, path, defined, per_class)
        scanner.visit(trees[module_name])
        found += scanner.found
    return found


def test_the_portal_uses_no_private_name_of_its_libraries():
    assert scan() == []


@pytest.mark.parametrize("code, caught", [
    ("from peewee import _atomic", True),
    ("from flask_babel import _get_current_context", True),
    ("import peewee\ndef f():\n    return peewee._atomic", True),
    ("def f(query):\n    return query._update", True),                  # peewee Query state
    ("def f(query, cursor):\n    return query._get_cursor_wrapper(cursor)", True),
    ("from flask import g\ndef f():\n    return g.get('_flask_babel')", True),
    ("def f(ctx):\n    return getattr(ctx, '_values')", True),
    ("from playhouse.pool import PooledSqliteDatabase\n"
     "class P(PooledSqliteDatabase):\n    def _can_reuse(self, conn):\n        return super()._can_reuse(conn)", True),
    ("from playhouse.pool import PooledSqliteDatabase\n"
     "class P(PooledSqliteDatabase):\n    def go(self):\n        return self._state", True),
    ("def f(user):\n    return user._pk", True),                         # peewee Model
    ("def f(model):\n    return model._meta.fields", False),
    ("from flask_login import current_user\ndef f():\n    return current_user._get_current_object()", False),
    ("class Mine:\n    def __init__(self):\n        self._seen = []\n    def go(self):\n        return self._seen", False),
    ("_CACHE = {}\ndef _helper():\n    return _CACHE", False),
    ("def f(x):\n    return x.__class__", False),
])
def test_the_scan_tells_a_library_private_name_from_the_portal_own(tmp_path, monkeypatch, code, caught):
    """The rules above, on small modules written for the purpose."""
    import sys
    package = tmp_path / "portal_probe"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "probe.py").write_text(code)
    monkeypatch.syspath_prepend(str(tmp_path))
    module = importlib.import_module("portal_probe.probe")
    try:
        tree = ast.parse(code)
        defined, per_class = portal_defined({"portal_probe.probe": tree})
        scanner = Scanner("portal_probe.probe", module, package / "probe.py", defined, per_class)
        scanner.path = PORTAL / "probe.py"             # reported relative to the project
        scanner.visit(tree)
        assert bool(scanner.found) is caught, scanner.found
    finally:
        sys.modules.pop("portal_probe.probe", None)
        sys.modules.pop("portal_probe", None)
