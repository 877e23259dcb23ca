"""Atomic file output: write to a temporary file in the target folder, then rename.

A reader (or a crashed run) never sees a half-written output file; :func:`write_texts` writes a group
of files so that a failure while writing (disk full, no permission) replaces none of them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; move it onto ``path`` only if the block succeeds.

    Parameters
    ----------
    path
        Final destination. Its folder is created if needed.

    Yields
    ------
    Path
        Temporary file path with the same suffix as ``path``.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are shared files
        os.replace(tmp_path, target)
    except OSError as exc:
        if exc.filename is None or Path(exc.filename) != tmp_path:
            raise
        raise OSError(exc.errno, exc.strerror, str(target)) from exc  # name the file the user asked for
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_texts(items: Mapping[str | os.PathLike[str], str]) -> list[Path]:
    """Write several files (path -> UTF-8 text): all to temporary files first, then all renamed into place.

    If writing any of them fails, none of the targets is touched.
    """
    with contextlib.ExitStack() as stack:
        for path, text in items.items():
            stack.enter_context(atomic_path(path)).write_text(text, encoding="utf-8")
    return [Path(path) for path in items]


def write_with(path: str | os.PathLike[str], writer: Callable[[Path], object]) -> Path:
    """Call ``writer(tmp_path)`` and move the result onto ``path`` atomically."""
    with atomic_path(path) as tmp:
        writer(tmp)
    return Path(path)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
