"""The notebooks only call the package's public API; each runs top to bottom and shows what it is about.

The four notebooks share one kernel (started once, its namespace cleared with ``%reset -f`` before each
notebook), so the package's imports (about 5 s) are paid once: the four run in about 20 s instead of 40.
Every notebook is committed without outputs, and each must print the numbers its text promises: the
join QA, Moran's I by hand equal to the package's, the illustrative stamp where an input is an example,
and none where the data are official.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell

from umkm_geo._provenance import ILLUSTRATIVE_NOTE

FOLDER = Path(__file__).resolve().parents[1] / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
NAMES = [
    "01_atlas_tabel_sendiri.ipynb",
    "02_statistik_spasial.ipynb",
    "03_survei_ffa.ipynb",
    "04_data_resmi_desa.ipynb",
]


def test_there_is_one_notebook_per_main_use():
    assert [p.name for p in NOTEBOOKS] == NAMES


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_clean_and_bilingual(path):
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), "commit without outputs"
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "*English:*" in markdown  # Bahasa Indonesia with English notes
    sources = "\n".join(c.source for c in code)
    imported = set(re.findall(r"^\s*(?:from|import)\s+(umkm_geo[\w.]*)", sources, flags=re.MULTILINE))
    assert imported == {"umkm_geo"}, f"only the public API (import umkm_geo as ug): {imported}"
    public = set(__import__("umkm_geo").__all__)
    used = set(re.findall(r"\bug\.(\w+)", sources))
    assert used <= public, f"not in umkm_geo.__all__: {used - public}"


@pytest.fixture(scope="module")
def kernel(mirror):
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel(cwd=str(FOLDER))
    yield manager
    manager.shutdown_kernel(now=True)


def _run(path: Path, kernel: KernelManager) -> tuple[str, list[dict]]:
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, new_code_cell("%reset -f"))  # a clean namespace, as in a fresh kernel
    NotebookClient(nb, km=kernel, timeout=300).execute()
    outputs = [o for c in nb.cells[1:] if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [f"{o['ename']}: {o['evalue']}" for o in outputs if o.get("output_type") == "error"]
    assert not errors, errors
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    return text, outputs


def _images(outputs: list[dict]) -> int:
    return sum("image/png" in o.get("data", {}) for o in outputs)


def test_01_atlas_for_your_own_table(kernel):
    text, outputs = _run(FOLDER / NAMES[0], kernel)
    assert "25 kecamatan" in text and "25 of 25 rows matched" in text
    assert "illustrative: True" in text and "illustrative inputs: {'umkm'" in text
    # the QA of a misspelt name: the row, the value and the right name
    assert "JoinError" in text and "'Kanigara'" in text and "did you mean Kanigoro?" in text
    counts = ast.literal_eval(re.search(r"units per class: (\[[\d, ]+\])", text)[1])
    assert sum(counts) == 25
    assert _images(outputs) == 1  # the map


def test_02_spatial_statistics_step_by_step(kernel):
    text, _ = _run(FOLDER / NAMES[1], kernel)
    by_hand = float(re.search(r"by hand: (-?[\d.]+)", text)[1])
    package = float(re.search(r"ug\.global_moran:\s+(-?[\d.]+)", text)[1])
    assert by_hand == package  # the formula and the package agree (printed to 6 decimals)
    assert "999 permutations" in text and "islands: []" in text
    for label in ("clusters", "hot and cold spots"):
        counts = ast.literal_eval(re.search(rf"{label}: (\{{[^}}]*\}})", text)[1])
        assert sum(counts.values()) == 25
    assert "Theil T = " in text and "utara" in text and "selatan" in text


def test_03_survey_ffa_and_products_say_they_are_illustrative(kernel):
    text, _ = _run(FOLDER / NAMES[2], kernel)
    for component in ("umkm", "survey", "ffa", "products"):
        assert f"ILUSTRASI / ILLUSTRATIVE [{component}]" in text
    assert "48 responden di / respondents in 8 kecamatan; masalah / issues: 0" in text
    assert ILLUSTRATIVE_NOTE in text
    assert "Cronbach" in text and "kebutuhan" in text and "akses" in text
    # the force balance in both languages, the same sums (decimal comma in Bahasa Indonesia)
    sums_id = [s.replace(",", ".") for s in re.findall(r"ΣTNB = (\d+,\d+)", text)]
    assert len(sums_id) == 2 and sums_id == re.findall(r"ΣTNB = (\d+\.\d+)", text)
    assert "8 kecamatan dengan produk unggulan" in text


def test_04_official_idm_per_desa_is_not_illustrative(kernel):
    text, outputs = _run(FOLDER / NAMES[3], kernel)
    total = int(re.search(r"(\d+) desa/kelurahan \(desa\)", text)[1])
    with_idm = int(re.search(r"with IDM: (\d+)", text)[1])
    # data/facts: Kabupaten Blitar has 220 desa and 28 kelurahan, Kota Blitar 21 kelurahan; IDM scores desa only
    assert total == 269 and with_idm == 220
    assert f"Moran's I (IDM, {with_idm} desa)" in text  # the statistics rest on the desa with a value
    assert "illustrative inputs: tidak ada / none" in text and ILLUSTRATIVE_NOTE not in text
    assert "LISA:" in text and "Gi*:" in text
    gap = re.search(r"utara ([\d.]+) vs selatan ([\d.]+): selisih / difference (-?[\d.]+), p = ([\d.]+) \(199 ", text)
    north, south, difference, p_value = map(float, gap.groups())
    assert abs(north - south - difference) < 2e-4 and 0 < p_value <= 1
    assert _images(outputs) == 1
