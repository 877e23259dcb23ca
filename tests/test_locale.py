"""The words of the outputs live in locale/id.toml and locale/en.toml, with the same keys."""

import ast
import string
from pathlib import Path

import pytest

from umkm_geo import _i18n


def _fields(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_both_languages_have_the_same_keys():
    indonesian, english = _i18n.catalogue("id"), _i18n.catalogue("en")
    assert sorted(set(indonesian) - set(english)) == []
    assert sorted(set(english) - set(indonesian)) == []
    assert len(indonesian) >= 10


@pytest.mark.parametrize("key", sorted(_i18n.catalogue("id")))
def test_every_key_has_words_and_the_same_fields_in_both_languages(key):
    indonesian, english = _i18n.text(key, "id"), _i18n.text(key, "en")
    assert indonesian.strip() and english.strip()
    assert _fields(indonesian) == _fields(english)


def test_text_fills_fields_and_refuses_unknown_languages_and_keys():
    with pytest.raises(ValueError, match="choose one of"):
        _i18n.catalogue("fr")
    with pytest.raises(KeyError):
        _i18n.text("no.such.key", "id")
    assert _i18n.LANGS == ("id", "en")


# --- no user-facing word stays in code -------------------------------------------------------------
#
# The rule, on the syntax tree of each scanned module. A string constant (or the literal part of an
# f-string) is a user-facing word when it has a letter and a space ("Tidak ada data", " × lag "); a
# dict literal keyed by both "id" and "en" with words in it is a word table; an ``x if lang ... else
# y`` between two words is a language choice. Not words for users, so not flagged: docstrings, dict
# keys, subscripts (column names), f-string format specs, developer messages (the value of a ``msg``
# assignment, a ``raise``, a ``warnings.warn`` or logging call) and matplotlib's placement options
# (``loc="upper left"``, ``xycoords="axes fraction"``). Everything else goes to locale/*.toml.
# Its blind spot: a single word without a space outside a language table (a lone "Rata-rata").

SRC = Path(_i18n.__file__).parent

#: Modules scanned. The report and the atlas (render/report, render/atlas) are being moved to the
#: locale files at the same time by another change; widen this list to all of render/ when they are.
SCANNED = ("render", "classify", "pipeline/run.py")

#: Literals that stay, (module, text) with the reason. This list only shrinks.
ALLOWED = {
    # the `what` argument of _layout.class_keys names the panel in an error message to developers
    ("render/static/multiples.py", "classes of panel "),
    # pieces of developer error messages (a layer or popup row built wrongly by a caller)
    ("render/atlas/model.py", "Popup row "),
    ("render/atlas/write.py", "Layer "),
    ("render/atlas/write.py", "Classes of "),
    # the simplification method recorded in run.json (a record of the run, not words of a page)
    (
        "render/atlas/_simplify.py",
        "shapely.coverage_clean + shapely.coverage_simplify (Visvalingam-Whyatt, shared edges kept)",
    ),
    ("render/atlas/_simplify.py", "not simplified"),
    # Jinja macro syntax, a source-map regex and the Leaflet version record of the inlined library
    ("render/atlas/page.py", "{% endmacro %}\n"),
    ("render/atlas/page.py", "{% macro script(this, kwargs) %}\n"),
    ("render/atlas/page.py", "\\n//# sourceMappingURL=\\S+\\s*$"),
    ("render/atlas/page.py", "Leaflet (\\d+(?:\\.\\d+)+)"),
    ("render/atlas/page.py", " inlined from django-js-lib-leaflet "),
    ("render/atlas/page.py", "Leaflet "),
    ("render/atlas/page.py", '<html lang="'),
    # the basemap's licence credit, the same in every language
    ("render/atlas/write.py", "© OpenStreetMap contributors (ODbL)"),
    # a setting value compared (the Klassen typology's averaging), not shown
    ("render/report/interpret/regional.py", "unweighted mean"),
    # the CLI's messages are English (pipeline errors to the person at the terminal)
    ("pipeline/run.py", " The previous outputs in "),
    ("pipeline/run.py", " are untouched."),
}

_LOG_CALLS = {"warn", "debug", "info", "warning", "error", "exception", "critical"}
_OPTION_KEYWORDS = {"loc", "xycoords", "textcoords"}


def _has_words(value) -> bool:
    return isinstance(value, str) and any(c.isalpha() for c in value)


def _docstring(node) -> list[ast.AST]:
    first = node.body[0] if node.body else None
    return [first] if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) else []


def _call_parts(node: ast.Call) -> list[ast.AST]:
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    return [*(node.args if name in _LOG_CALLS else []), *(k.value for k in node.keywords if k.arg in _OPTION_KEYWORDS)]


#: The parts of a node that are not words for users (see the rule above), by node type.
_NOT_WORDS = {
    ast.Module: _docstring,
    ast.ClassDef: _docstring,
    ast.FunctionDef: _docstring,
    ast.AsyncFunctionDef: _docstring,
    ast.Dict: lambda node: [key for key in node.keys if key is not None],
    ast.Subscript: lambda node: [node.slice],
    ast.Assign: lambda node: [node.value] if any(getattr(t, "id", "") == "msg" for t in node.targets) else [],
    ast.Raise: lambda node: [node.exc] if node.exc is not None else [],
    ast.Call: _call_parts,
    ast.FormattedValue: lambda node: [node.format_spec] if node.format_spec is not None else [],
}


def _by_language(node) -> str | None:
    """What ``node`` is when it picks words by language (a table, a choice), else None."""
    if isinstance(node, ast.Dict):
        keys = {k.value for k in node.keys if isinstance(k, ast.Constant)}
        words = any(isinstance(n, ast.Constant) and _has_words(n.value) for v in node.values for n in ast.walk(v))
        return "<a table of words by language>" if {"id", "en"} <= keys and words else None
    if isinstance(node, ast.IfExp):
        words = all(isinstance(b, ast.Constant) and _has_words(b.value) for b in (node.body, node.orelse))
        test = ast.unparse(node.test)
        if words and ("lang" in test or "'en'" in test or "'id'" in test):
            return f"<a choice of words by language: {ast.unparse(node)}>"
    return None


def _literals(source: str) -> list[tuple[int, str]]:
    """The user-facing literals of a module's source, ``(line, text)``, by the rule above."""
    tree = ast.parse(source)
    skip: set[int] = set()
    found = []
    for node in ast.walk(tree):
        for part in _NOT_WORDS.get(type(node), lambda _: [])(node):
            skip.update(id(n) for n in ast.walk(part))
        what = _by_language(node)
        if what is not None:
            found.append((node.lineno, what))
            if isinstance(node, ast.IfExp):
                skip.update((id(node.body), id(node.orelse)))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and id(node) not in skip and _has_words(node.value) and " " in node.value:
            found.append((node.lineno, node.value))
    return sorted(found)


def _scanned_modules() -> list[Path]:
    paths = []
    for name in SCANNED:
        path = SRC / name
        paths += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return paths


def test_the_rule_flags_words_and_leaves_code_alone():
    source = '''
"""Docstring with words."""
def f(ax, lang, frame):
    """Docstring with words."""
    ax.text(0, 0, "Tidak ada data", ha="center", loc="upper left")
    ax.set_title(f"{frame['kab nama']} kab/kota {1:,.2f}")
    table = {"id": {"title": "Judul"}, "en": {"title": "Title"}}
    word = "Kelas" if lang == "id" else "Classes"
    if frame is None:
        msg = f"No frame given for {lang!r}; pass one."
        raise ValueError(msg)
    warnings.warn("a developer warning", UserWarning)
    raise KeyError("another message")
'''
    assert [text for _, text in _literals(source)] == [
        "Tidak ada data",
        " kab/kota ",
        "<a table of words by language>",
        "<a choice of words by language: 'Kelas' if lang == 'id' else 'Classes'>",
    ]


def test_no_user_facing_literal_stays_in_code():
    found = []
    used = set()
    for path in _scanned_modules():
        module = path.relative_to(SRC).as_posix()
        for line, value in _literals(path.read_text(encoding="utf-8")):
            if (module, value) in ALLOWED:
                used.add((module, value))
            else:
                found.append(f"{module}:{line}: {value!r}")
    assert found == [], "move these words to locale/id.toml and en.toml:\n" + "\n".join(found)
    assert sorted(ALLOWED - used) == [], "these allowed literals are gone: delete them from ALLOWED"
