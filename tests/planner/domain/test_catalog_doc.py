"""docs/catalog.md says what catalog.py and releases.py say, and names every source key they use."""

from __future__ import annotations

import re
from pathlib import Path

from planner.domain import releases as r
from planner.domain.catalog import NO_NATIVE_S10, Fact, list_models

DOC = (Path(__file__).resolve().parents[3] / "docs" / "catalog.md").read_text()


def _rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows.setdefault(cells[0], cells)
    return rows


def _shown(fact: Fact) -> str:
    if not fact.value:
        return "unconfirmed"
    value = "no native Solaris 10" if fact.value == NO_NATIVE_S10 else fact.value
    source = "U: unconfirmed" if fact.source == r.UNCONFIRMED else fact.source
    return f"{value} [{source}]"


def test_every_model_row_matches_the_catalog() -> None:
    rows = _rows()
    for model in list_models():
        cells = rows[model.key]
        assert cells[1] == model.name
        assert cells[2].startswith(f"{model.machine} [")
        assert cells[3].startswith(_shown(model.native_s10)), model.key
        assert cells[4].startswith(_shown(model.min_s10)), model.key
        assert cells[5].startswith(_shown(model.solaris11)), model.key
        assert cells[7].endswith("[U: unconfirmed]")


def test_every_update_row_matches_the_release_data() -> None:
    rows = _rows()
    for update in r.UPDATES:
        cells = rows[update.name]
        assert cells[1] == str(update.number)
        assert cells[2] == f"`{update.sparc_build}`"
        for cell, kernel in ((cells[4], update.kernel_sparc), (cells[5], update.kernel_x86)):
            expected = f"{kernel.patch} [{kernel.source}]" if kernel.patch else "unconfirmed"
            assert cell.startswith(expected), (update.name, cell)
        assert cells[6] == f"`{r.install_media(update, 'sparc')}`"
    for feature in r.FEATURES.values():
        cells = rows[f"`{feature.key}`"]
        assert (cells[1], cells[3]) == (feature.since, feature.source)


def test_every_source_key_used_is_listed() -> None:
    listed = {cells[0] for cells in _rows().values()}
    used: set[str] = set()
    for model in list_models():
        for source in (
            model.machine_source,
            model.native_s10.source,
            model.min_s10.source,
            model.solaris11.source,
        ):
            used.update(source.split(", "))
    for update in r.UPDATES:
        used.update({update.kernel_sparc.source, update.kernel_x86.source})
    for feature in r.FEATURES.values():
        used.update(feature.source.split(", "))
    used.update(re.findall(r"\[([A-Z][A-Za-z0-9-]+)\]", DOC))
    used.discard(r.UNCONFIRMED)
    assert used - listed == set()
