"""A scanner of the language of a report: is every visible text in the report's language?

Used by ``tests/test_report_language.py`` (a small report in both languages) and
``tests/test_pipeline.py`` (the report of the real default run). Two checks:

* :func:`foreign_phrases`: no text of the other language's locale file (a value that differs from
  its counterpart in the report's language and has at least :data:`MIN_WORDS` words) appears in the
  report;
* :func:`foreign_words`: no line holds two or more function words of the other language (``the``,
  ``of``, ``which`` in the Indonesian report; ``yang``, ``dengan``, ``untuk`` in the English one).

The text scanned is what a reader sees: the text of the page without ``<style>``, ``<code>``, the
references list (titles stay in their original language), web addresses and the bilingual
illustrative stamp. Proper nouns, file names and config keys/values are not function words, so
they pass.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from umkm_geo import _i18n
from umkm_geo.classify.symbology import ILLUSTRATIVE_STAMP

__all__ = ["foreign_phrases", "foreign_words", "language_problems", "visible_lines"]

#: A locale text shorter than this (in words) may be shared by both languages (names, symbols).
MIN_WORDS = 3

#: Function words: a line of the report in one language holding :data:`RUN` or more of these of the
#: other language is (partly) in that other language. Words that are also Indonesian, names or symbols are left out
#: ("a", "I", "di" ...), and so are words common in config values and package names.
_ENGLISH = """
the of and with is are by from which each where unit's its their this that these those when than not
for to in on or as be was were has have into between within over under only being been it an at all
every any who whose what how there here without inside unless whether
"""
_INDONESIAN = """
yang dan dengan untuk dari tidak adalah atau pada dalam oleh ke ini itu setiap antara bila jika tanpa
sebagai lebih kurang tiap hanya juga karena agar maka bukan sudah belum telah terhadap
"""
FUNCTION_WORDS: dict[str, frozenset[str]] = {"en": frozenset(_ENGLISH.split()), "id": frozenset(_INDONESIAN.split())}
#: Words that are the same in both languages, or that a line of the other language may hold as a
#: name (the English report says "per kecamatan"; "data" and "per" are both languages').
_SHARED = frozenset({"per", "data", "total", "min", "max", "sektor", "kecamatan", "desa"})
#: At least this many function words of the other language in one line is a finding (one "and" in a
#: name such as "Kabupaten dan Kota Blitar" in the English report is not).
RUN = 2

#: A word: letters, with an apostrophe inside ("unit's"); a token with a digit or an underscore is a
#: symbol of a formula or a name in code (``sum_i``, ``x_i``, ``umkm_geo``), not a word.
_TOKEN = re.compile(r"[\w']+")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_URL = re.compile(r"https?://\S+")


class _Text(HTMLParser):
    """The lines of text a reader sees, without style, code, the references list and images."""

    _SKIP = frozenset({"style", "script", "code", "title"})
    _BLOCK = frozenset(
        {"p", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "div", "br", "dt", "dd", "caption", "figcaption"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = [""]
        self._skip = 0
        self._refs = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._SKIP:
            self._skip += 1
        if tag == "ol" and (self._refs or ("class", "refs") in attrs):
            self._refs += 1
        if tag in self._BLOCK:
            self.lines.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skip = max(0, self._skip - 1)
        if tag == "ol" and self._refs:
            self._refs -= 1
        if tag in self._BLOCK:
            self.lines.append("")

    def handle_data(self, data: str) -> None:
        if not (self._skip or self._refs):
            self.lines[-1] += data


def visible_lines(html: str) -> list[str]:
    """The lines of text of a report page, as scanned (see the module docstring)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    references = _references()
    out = []
    for line in parser.lines:
        line = _URL.sub(" ", line.replace(ILLUSTRATIVE_STAMP, " "))
        for reference in references:
            line = line.replace(reference, " ")
        line = " ".join(line.split())
        if line:
            out.append(line)
    return out


def _references() -> list[str]:
    """The references of both locale files (titles in their original language), longest first."""
    texts = {v for lang in _i18n.LANGS for k, v in _i18n.catalogue(lang).items() if k.startswith("report.reference.")}
    return sorted(texts, key=len, reverse=True)


def _other(lang: str) -> str:
    return "en" if lang == "id" else "id"


def _normal(text: str) -> str:
    return " ".join(text.split())


def _phrases(lang: str) -> list[str]:
    """The texts of ``lang``'s locale file that differ from the other file and have enough words.

    A text with ``{fields}`` is cut at its fields: each piece of at least :data:`MIN_WORDS` words
    is a phrase of its own.
    """
    own, other = _i18n.catalogue(lang), _i18n.catalogue(_other(lang))
    out = set()
    for key, value in own.items():
        if other.get(key) == value:
            continue
        for piece in re.split(r"\{[^{}]*\}", value):
            piece = _normal(piece).strip(" .,;:()–-")
            if len(_WORD.findall(piece)) >= MIN_WORDS and piece not in other.get(key, ""):
                out.add(piece)
    return sorted(out)


def foreign_phrases(lines: list[str], lang: str) -> list[tuple[str, str]]:
    """(phrase, line) for every text of the other language's locale file found in a line."""
    phrases = _phrases(_other(lang))
    found = []
    for line in lines:
        lowered = line.casefold()
        for phrase in phrases:
            if phrase.casefold() in lowered:
                found.append((phrase, line))
    return found


def foreign_words(lines: list[str], lang: str) -> list[tuple[str, str]]:
    """(words, line) for every line holding :data:`RUN` or more function words of the other language."""
    words = FUNCTION_WORDS[_other(lang)] - _SHARED - FUNCTION_WORDS[lang]
    found = []
    for line in lines:
        hits: list[str] = []
        for token in _TOKEN.findall(line):
            word = token.strip("'")
            if _WORD.fullmatch(word) and word.casefold() in words:
                hits.append(word)
        if len(hits) >= RUN:
            found.append((" ".join(hits), line))
    return found


def language_problems(html: str, lang: str) -> list[str]:
    """Every finding of both checks, as readable lines (empty when the page is all in ``lang``)."""
    lines = visible_lines(html)
    out = [
        f"{lang}: text of the other locale {phrase!r} in: {line[:200]}" for phrase, line in foreign_phrases(lines, lang)
    ]
    out += [
        f"{lang}: words {words!r} of the other language in: {line[:200]}" for words, line in foreign_words(lines, lang)
    ]
    return out
