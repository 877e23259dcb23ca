"""Run mypy on the package and fail when it finds more errors than the recorded baseline.

Usage: python scripts/mypy_ratchet.py [--update]

mypy reads its settings (files, Python version, untyped third-party packages) from
``[tool.mypy]`` in pyproject.toml. The allowed number of errors is the integer in
scripts/mypy_baseline.txt. The script prints the count and the baseline and exits

* 1 when the count is above the baseline (the new errors must be fixed), listing mypy's output;
* 0 when it is at or below it; below, it says so, so that the baseline can be lowered
  (``--update`` writes the new, lower count into the baseline file);
* 2 when mypy itself fails to run (a crash or a configuration error, not type errors).

``--update`` never raises the baseline: the ratchet only turns one way.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).resolve().parent / "mypy_baseline.txt"
ERROR_LINE = re.compile(r"^[^:\n]+:\d+(?::\d+)?: error: ", re.MULTILINE)


def read_baseline(path: Path | None = None) -> int:
    """The allowed error count: the first line of ``path`` that is not blank or a ``#`` comment."""
    path = path or BASELINE
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.strip()
        if text and not text.startswith("#"):
            return int(text)
    raise ValueError(f"{path} holds no error count; write today's mypy error count on a line of its own")


def write_baseline(count: int, path: Path | None = None) -> None:
    """Replace the count in ``path``, keeping its comment lines."""
    path = path or BASELINE
    comments = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip().startswith("#")]
    path.write_text("\n".join([*comments, str(count)]) + "\n", encoding="utf-8")


def count_errors(output: str) -> int:
    """The number of ``file:line: error:`` lines in mypy's output (notes are not counted)."""
    return len(ERROR_LINE.findall(output))


def run_mypy() -> tuple[int, str]:
    """Run mypy from the repository root; return its exit code and its combined output."""
    proc = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


def main(argv: list[str]) -> int:
    """Compare mypy's error count with the baseline; see the module docstring for exit codes."""
    update = "--update" in argv
    unknown = [arg for arg in argv if arg != "--update"]
    if unknown:
        print(f"mypy ratchet: unknown argument(s) {' '.join(unknown)}; the only option is --update", file=sys.stderr)
        return 2
    baseline = read_baseline()
    code, output = run_mypy()
    count = count_errors(output)
    # mypy exits 1 when it found type errors and 2 when it could not check at all.
    if code not in (0, 1) or (code == 1 and count == 0):
        print(output, end="")
        print(f"mypy ratchet: mypy did not run to the end (exit code {code}); see its output above", file=sys.stderr)
        return 2
    print(f"mypy ratchet: {count} error(s) now, baseline {baseline} ({BASELINE.relative_to(ROOT)})")
    if count > baseline:
        print(output, end="")
        print(
            f"mypy ratchet: FAILED: {count - baseline} error(s) more than the baseline; "
            "fix the new ones (listed above) instead of raising the baseline",
            file=sys.stderr,
        )
        return 1
    if count < baseline:
        if update:
            write_baseline(count)
            print(f"mypy ratchet: baseline lowered from {baseline} to {count}")
        else:
            print(
                f"mypy ratchet: {baseline - count} error(s) fewer than the baseline; lower it to {count} "
                "(python scripts/mypy_ratchet.py --update) so that they stay fixed"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
