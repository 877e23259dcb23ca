"""Byte-identity guard for refactors: the default run's tables must not change.

``python scripts/identity_check.py --record`` runs ``umkm-geo maps`` on the default config into a
temporary folder and writes the sha256 of every file under ``tables/`` (and the statistics part of
``run.json``) to ``scripts/identity_baseline.json``; without ``--record`` it runs again and lists every
file whose bytes differ. Exit 0 when identical, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scripts" / "identity_baseline.json"
# run.json keys that change from run to run (or with the drawing code, not the statistics)
VOLATILE_RUN_KEYS = ("created", "versions", "timings_s", "outputs", "figures")


def _without_seconds(value: object) -> object:
    """The record without the wall-clock ``seconds`` some results keep of their own run."""
    if isinstance(value, dict):
        return {k: _without_seconds(v) for k, v in value.items() if k != "seconds"}
    if isinstance(value, list):
        return [_without_seconds(v) for v in value]
    return value


def _digests(out: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted((out / "tables").rglob("*")):
        # the workbook and GeoPackage are made from the same tables and carry their write time
        if path.is_file() and path.suffix not in (".xlsx", ".gpkg"):
            found[str(path.relative_to(out))] = hashlib.sha256(path.read_bytes()).hexdigest()
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    for key in VOLATILE_RUN_KEYS:
        record.pop(key, None)
    record = _without_seconds(record)
    found["run.json (without created, versions, timings_s, outputs)"] = hashlib.sha256(
        json.dumps(record, sort_keys=True, default=str).encode()
    ).hexdigest()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--record", action="store_true", help="write the baseline instead of checking")
    parser.add_argument("--config", default=str(ROOT / "configs" / "blitar.toml"))
    args = parser.parse_args()
    # one fixed folder: run.json records the output folder, so a temporary name would differ each run
    out = ROOT / ".cache" / "identity-run"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [str(Path(sys.executable).parent / "umkm-geo"), "maps", "--config", args.config, "--output", str(out)]
    subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    found = _digests(out)
    if args.record:
        BASELINE.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {len(found)} files in {BASELINE.relative_to(ROOT)}")
        return 0
    expected = json.loads(BASELINE.read_text(encoding="utf-8"))
    changed = sorted(k for k in expected.keys() | found.keys() if expected.get(k) != found.get(k))
    for name in changed:
        state = "missing" if name not in found else "new" if name not in expected else "changed"
        print(f"{state}: {name}")
    print(f"{len(found)} files, {len(changed)} differ from the baseline")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
