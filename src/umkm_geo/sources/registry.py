"""Registry of pinned upstream files: download once into a cache, or read an offline mirror.

A registry manifest (``data/sources/<name>.toml``, or ``data/boundaries/wilayah_boundaries.toml`` for
the kecamatan loader's boundary files) lists every upstream file with its sha256, the pinned commit,
the URL template, the licence and the credit line. :func:`fetch` returns a local path to a verified
copy of a file: from the offline mirror when one is set (the environment variable ``UMKM_GEO_MIRROR``
or the config key ``boundaries.mirror``), else from the cache, downloading it once with pooch. A file
whose hash does not match is refused, never used.

The mirror setting names either

* a folder holding one sub-folder per upstream repository, each with the repository's own paths
  (``<mirror>/wilayah_boundaries/db/kec/...``, ``<mirror>/wilayah/db/wilayah.sql``,
  ``<mirror>/indonesia514/gdp/gdp_pc.csv``; CI sets it to ``../shared/data/upstream``), or
* (the older form, still accepted) one repository's folder itself, e.g.
  ``.../upstream/wilayah_boundaries``: it serves the registries of that repository, and the files of
  any other source are taken from the cache (downloaded once).

:func:`source_folder` says which folder serves a registry.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from umkm_geo._errors import DataSourceError, HashMismatchError
from umkm_geo._provenance import file_sha256
from umkm_geo._resources import data_dir

MIRROR_ENV = "UMKM_GEO_MIRROR"
CACHE_ENV = "UMKM_GEO_CACHE"

#: Folders of shipped manifests (``data/<kind>``), searched in this order.
MANIFEST_KINDS = ("sources", "boundaries")

#: The repository an older mirror setting (one repository's folder, no name to tell) is taken to hold.
LEGACY_MIRROR = "wilayah_boundaries"

_BASE_KEYS = ("name", "repository", "commit", "url_template", "licence", "copyright", "attribution")


@dataclasses.dataclass(frozen=True)
class Registry:
    """A pinned set of upstream files.

    Parameters
    ----------
    name
        Registry name (the manifest's file stem), e.g. ``"wilayah_boundaries"``.
    repository, commit, url_template
        Where the files come from; ``url_template`` has ``{commit}`` and ``{path}`` fields.
    licence, copyright, attribution
        Licence name, copyright notice and the credit line to print on maps.
    files
        Relative path -> sha256 (hex) of every file in the registry.
    details
        Any further keys of the manifest's ``[source]`` table (title, publisher, codes, units, ...).
    """

    name: str
    repository: str
    commit: str
    url_template: str
    licence: str
    copyright: str
    attribution: str
    files: Mapping[str, str]
    details: Mapping[str, str] = dataclasses.field(default_factory=lambda: MappingProxyType({}))

    @property
    def mirror_name(self) -> str:
        """The repository's name: its folder in a mirror that holds one folder per repository."""
        return self.repository.rstrip("/").rsplit("/", 1)[-1]

    def url(self, relpath: str) -> str:
        """The pinned download URL of ``relpath``."""
        return self.url_template.format(commit=self.commit, path=relpath)

    def sha256(self, relpath: str) -> str:
        """The pinned sha256 of ``relpath`` (raises if the file is not in the registry)."""
        try:
            return self.files[relpath]
        except KeyError:
            folders = sorted({p.rsplit("/", 1)[0] + "/" if "/" in p else p for p in self.files})
            shown = ", ".join(folders[:8]) + (", ..." if len(folders) > 8 else "")
            msg = (
                f"{relpath!r} is not in the {self.name} registry (pinned commit {self.commit[:10]});"
                f" the registry lists {len(self.files)} files in {shown}."
            )
            raise DataSourceError(msg) from None

    def credit(self) -> str:
        """One-line credit for maps: attribution, licence and pinned commit."""
        return f"{self.attribution}; {self.copyright}; commit {self.commit[:7]}"


@dataclasses.dataclass(frozen=True)
class FetchedFile:
    """A verified local copy of a registry file and where it came from."""

    relpath: str
    path: Path
    sha256: str
    origin: str  # "mirror" or "cache"
    url: str

    def record(self) -> dict[str, str]:
        """JSON-ready description for the run record."""
        return {
            "path": self.relpath,
            "sha256": self.sha256,
            "origin": self.origin,
            "url": self.url,
            "local": str(self.path),
        }


def manifest_path(name: str) -> Path:
    """The shipped manifest of registry ``name`` (``data/sources`` first, then ``data/boundaries``)."""
    for kind in MANIFEST_KINDS:
        path = data_dir(kind) / f"{name}.toml"
        if path.is_file():
            return path
    msg = f"No registry manifest {name!r}; known: {list(registry_names())}."
    raise DataSourceError(msg)


def registry_names() -> tuple[str, ...]:
    """The names of every shipped registry manifest."""
    return tuple(sorted({p.stem for kind in MANIFEST_KINDS for p in data_dir(kind).glob("*.toml")}))


def load_registry(name: str = "wilayah_boundaries") -> Registry:
    """Read the shipped registry manifest ``name`` (see :func:`registry_names`)."""
    path = manifest_path(name)
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    src = raw["source"]
    missing = [k for k in _BASE_KEYS if k not in src]
    if missing or src["name"] != name:
        msg = f"The manifest {path} is incomplete (missing {missing}) or names another registry ({src.get('name')!r})."
        raise DataSourceError(msg)
    return Registry(
        name=src["name"],
        repository=src["repository"],
        commit=src["commit"],
        url_template=src["url_template"],
        licence=src["licence"],
        copyright=src["copyright"],
        attribution=src["attribution"],
        files=MappingProxyType(dict(raw["files"])),
        details=MappingProxyType({k: str(v) for k, v in src.items() if k not in _BASE_KEYS}),
    )


def resolve_mirror(mirror: str | os.PathLike[str] | None = None) -> Path | None:
    """The mirror folder to use: ``mirror`` if given, else ``$UMKM_GEO_MIRROR``, else ``None``."""
    value = mirror if mirror not in (None, "") else os.environ.get(MIRROR_ENV) or None
    if value is None:
        return None
    folder = Path(value).expanduser()
    if not folder.is_dir():
        origin = "the mirror setting" if mirror else f"${MIRROR_ENV}"
        msg = (
            f"The offline mirror folder {folder} (from {origin}) does not exist. Point it to a folder"
            " holding one folder per upstream repository (wilayah_boundaries/, wilayah/, ...) or to a copy"
            " of one repository's files (same relative paths), or unset it to download."
        )
        raise DataSourceError(msg)
    return folder


def source_folder(registry: Registry, mirror: str | os.PathLike[str] | None = None) -> Path | None:
    """The mirror folder that serves ``registry``'s files, or ``None`` when none does.

    ``<mirror>/<repository name>`` when that folder exists (a mirror of several repositories). Else the
    mirror folder itself when it is a copy of this registry's repository (the older form): its name is
    the repository's, or its ``UPSTREAM_COMMIT`` is the pinned commit, or, with neither to tell, the
    registry is one of the boundary repository's (the only repository the older form served).

    Parameters
    ----------
    registry
        The registry whose files are wanted.
    mirror
        The mirror setting; defaults to ``$UMKM_GEO_MIRROR``.
    """
    folder = resolve_mirror(mirror)
    if folder is None:
        return None
    sub = folder / registry.mirror_name
    if sub.is_dir():
        return sub
    if folder.name == registry.mirror_name:
        return folder
    marker = folder / "UPSTREAM_COMMIT"
    if marker.is_file():
        return folder if marker.read_text(encoding="utf-8").strip() == registry.commit else None
    return folder if registry.mirror_name == LEGACY_MIRROR else None


def default_cache_dir() -> Path:
    """The download cache: ``$UMKM_GEO_CACHE`` or the user's cache folder for umkm_geo."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("umkm_geo"))


def _check(path: Path, expected: str, relpath: str, where: str, hint: str = "") -> None:
    actual = file_sha256(path)
    if actual != expected:
        msg = (
            f"{where} file {path} ({relpath}) has sha256 {actual}, but the registry pins {expected}."
            f" The file was refused.{hint} Replace it with the file from the pinned upstream commit"
            " (or delete it from the cache to download it again)."
        )
        raise HashMismatchError(msg)


def _commit_hint(folder: Path, registry: Registry) -> str:
    """A note when the mirror folder says it holds another upstream commit than the pinned one."""
    marker = folder / "UPSTREAM_COMMIT"
    if not marker.is_file():
        return ""
    commit = marker.read_text(encoding="utf-8").strip()
    if commit == registry.commit:
        return ""
    return f" The mirror folder holds commit {commit[:10]}, the {registry.name} registry pins {registry.commit[:10]}."


def fetch(
    registry: Registry,
    relpath: str,
    *,
    mirror: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> FetchedFile:
    """Return a verified local copy of ``relpath`` from the mirror, the cache or a download.

    Parameters
    ----------
    registry
        The registry the file belongs to.
    relpath
        Path of the file inside the upstream repository, e.g. ``db/kec/wilayah_boundaries_kec_35.sql``.
    mirror
        Offline mirror folder; defaults to ``$UMKM_GEO_MIRROR``: a folder of repository folders, or one
        repository's folder (see :func:`source_folder`). When set and it holds the file, the file is
        used in place (after its hash is checked).
    cache_dir
        Download cache folder; defaults to :func:`default_cache_dir`.

    Raises
    ------
    HashMismatchError
        The mirrored or downloaded file does not have the pinned sha256.
    DataSourceError
        The file is not in the registry, or cannot be downloaded.
    """
    expected = registry.sha256(relpath)
    folder = source_folder(registry, mirror)
    if folder is not None:
        candidate = folder / relpath
        if candidate.is_file():
            _check(candidate, expected, relpath, "Mirror", _commit_hint(folder, registry))
            return FetchedFile(relpath, candidate, expected, "mirror", registry.url(relpath))
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache / registry.name / registry.commit[:12] / relpath
    if target.is_file():
        _check(target, expected, relpath, "Cached")
        return FetchedFile(relpath, target, expected, "cache", registry.url(relpath))
    root = resolve_mirror(mirror)
    missing = None if root is None else (folder or root / registry.mirror_name) / relpath
    _download(registry.url(relpath), target, expected, relpath, mirror_file=missing)
    return FetchedFile(relpath, target, expected, "cache", registry.url(relpath))


def _download(url: str, target: Path, expected: str, relpath: str, *, mirror_file: Path | None) -> None:
    import pooch

    try:
        pooch.retrieve(
            url,
            known_hash=f"sha256:{expected}",
            fname=target.name,
            path=target.parent,
            progressbar=False,
        )
    except ValueError as exc:  # pooch reports a hash mismatch as ValueError
        msg = f"Downloaded {relpath} from {url} does not match the pinned sha256 {expected}; refused. ({exc})"
        raise HashMismatchError(msg) from exc
    except Exception as exc:  # network errors come in many types (requests, OSError)
        where = f" The mirror has no {mirror_file}." if mirror_file else ""
        msg = (
            f"Could not download {relpath} from {url}: {type(exc).__name__}: {exc}.{where} Work offline by"
            f" setting {MIRROR_ENV} to a folder holding one folder per upstream repository (each with the"
            " repository's relative paths), or connect to the internet and try again."
        )
        raise DataSourceError(msg) from exc
