"""Registry of pinned upstream files: download once into a cache, or read an offline mirror.

The registry manifest (``data/boundaries/<name>.toml``) lists every upstream file with its sha256,
the pinned commit, the URL template, the licence and the attribution. :func:`fetch` returns a local
path to a verified copy of a file: from the offline mirror folder named by the environment variable
``UMKM_GEO_MIRROR`` (or the config key ``boundaries.mirror``) when it is set, else from the cache,
downloading it once with pooch. A file whose hash does not match is refused, never used.
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
    """

    name: str
    repository: str
    commit: str
    url_template: str
    licence: str
    copyright: str
    attribution: str
    files: Mapping[str, str]

    def url(self, relpath: str) -> str:
        """The pinned download URL of ``relpath``."""
        return self.url_template.format(commit=self.commit, path=relpath)

    def sha256(self, relpath: str) -> str:
        """The pinned sha256 of ``relpath`` (raises if the file is not in the registry)."""
        try:
            return self.files[relpath]
        except KeyError:
            msg = (
                f"{relpath!r} is not in the {self.name} registry (pinned commit {self.commit[:10]});"
                " the registry lists the files under db/prov, db/kab, db/kec and db/kel."
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


def load_registry(name: str = "wilayah_boundaries") -> Registry:
    """Read the shipped registry manifest ``name``."""
    path = data_dir("boundaries") / f"{name}.toml"
    if not path.is_file():
        msg = f"No registry manifest {path}; known: {sorted(p.stem for p in path.parent.glob('*.toml'))}."
        raise DataSourceError(msg)
    with path.open("rb") as fh:
        raw = tomllib.load(fh)
    src = raw["source"]
    return Registry(
        name=src["name"],
        repository=src["repository"],
        commit=src["commit"],
        url_template=src["url_template"],
        licence=src["licence"],
        copyright=src["copyright"],
        attribution=src["attribution"],
        files=MappingProxyType(dict(raw["files"])),
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
            f"The offline mirror folder {folder} (from {origin}) does not exist. Point it to a copy of"
            " the upstream repository's files (same relative paths), or unset it to download."
        )
        raise DataSourceError(msg)
    return folder


def default_cache_dir() -> Path:
    """The download cache: ``$UMKM_GEO_CACHE`` or the user's cache folder for umkm_geo."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env).expanduser()
    import pooch

    return Path(pooch.os_cache("umkm_geo"))


def _check(path: Path, expected: str, relpath: str, where: str) -> None:
    actual = file_sha256(path)
    if actual != expected:
        msg = (
            f"{where} file {path} ({relpath}) has sha256 {actual}, but the registry pins {expected}."
            " The file was refused. Replace it with the file from the pinned upstream commit"
            " (or delete it from the cache to download it again)."
        )
        raise HashMismatchError(msg)


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
        Offline mirror folder; defaults to ``$UMKM_GEO_MIRROR``. When set and it holds the file, the
        file is used in place (after its hash is checked).
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
    folder = resolve_mirror(mirror)
    if folder is not None:
        candidate = folder / relpath
        if candidate.is_file():
            _check(candidate, expected, relpath, "Mirror")
            return FetchedFile(relpath, candidate, expected, "mirror", registry.url(relpath))
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = cache / registry.name / registry.commit[:12] / relpath
    if target.is_file():
        _check(target, expected, relpath, "Cached")
        return FetchedFile(relpath, target, expected, "cache", registry.url(relpath))
    _download(registry.url(relpath), target, expected, relpath, mirror_folder=folder)
    return FetchedFile(relpath, target, expected, "cache", registry.url(relpath))


def _download(url: str, target: Path, expected: str, relpath: str, *, mirror_folder: Path | None) -> None:
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
        where = f" The mirror {mirror_folder} has no {relpath}." if mirror_folder else ""
        msg = (
            f"Could not download {relpath} from {url}: {type(exc).__name__}: {exc}.{where} Work offline by"
            f" setting {MIRROR_ENV} to a folder holding a copy of the upstream files (same relative"
            " paths), or connect to the internet and try again."
        )
        raise DataSourceError(msg) from exc
