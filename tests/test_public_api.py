"""umkm_geo's public API: a curated list of names, made from one table, each importable."""

import subprocess
import sys

import umkm_geo


def test_all_is_the_table_plus_the_version_and_every_name_resolves():
    assert umkm_geo.__all__ == [*umkm_geo._EXPORTS, "__version__"]
    assert 25 <= len(umkm_geo._EXPORTS) <= 40
    for name, module in umkm_geo._EXPORTS.items():
        value = getattr(umkm_geo, name)
        assert value is getattr(__import__(module, fromlist=[name]), name)


def test_no_public_name_is_shadowed_by_a_subpackage():
    import pkgutil

    subpackages = {m.name for m in pkgutil.iter_modules(umkm_geo.__path__)}
    assert not set(umkm_geo._EXPORTS) & subpackages


def test_an_unknown_name_is_an_attribute_error():
    try:
        umkm_geo.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("no AttributeError")


def test_importing_the_package_loads_no_plotting_library():
    code = "import sys, umkm_geo; print(sorted(m for m in ('matplotlib', 'folium', 'esda') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
