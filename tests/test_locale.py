"""The words of the outputs live in locale/id.toml and locale/en.toml, with the same keys."""

import string

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
