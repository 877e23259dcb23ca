"""The package reads as the pipeline: few top-level modules, small modules, no private name crossing a package.

These are the structural rules of ../shared/DESIGN.md that the import contracts (`lint-imports`)
cannot state; ruff, mypy and lint-imports run in `make lint`.
"""

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "umkm_geo"
MODULES = sorted(p for p in SRC.rglob("*.py"))
#: A module may be longer than this when its docstring says why, in a line starting "Size:".
MAX_LINES = 500


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package_of(module: str, path: Path) -> str:
    return module if path.name == "__init__.py" else module.rpartition(".")[0]


def test_at_most_twelve_modules_at_the_top():
    top = sorted(p.name for p in SRC.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= 12, top


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_private_name_is_imported_from_another_package(path):
    importer = _package_of(_module_name(path), path)
    crossing = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not (isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("umkm_geo")):
            continue
        target = SRC.parent.joinpath(*node.module.split("."))
        owner = node.module if (target / "__init__.py").exists() else node.module.rpartition(".")[0]
        for alias in node.names:
            private = alias.name.startswith("_") and not alias.name.startswith("__")
            if private and not (importer == owner or importer.startswith(owner + ".")):
                crossing.append(f"{node.module}.{alias.name}")
    assert crossing == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_a_long_module_says_why(path):
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    if lines <= MAX_LINES:
        return
    doc = ast.get_docstring(ast.parse(text)) or ""
    assert re.search(r"^Size:", doc, re.M), f"{lines} lines and no 'Size:' line in the docstring"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_results_are_read_by_field_not_by_string(path):
    text = path.read_text(encoding="utf-8")
    found = re.findall(r'results\["\w+"\]|results\.get\("\w+"|"\w+" (?:not )?in (?:[\w.]+\.)?results\b', text)
    assert found == []
