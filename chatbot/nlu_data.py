"""File-backed inputs for Sophie's engine: training phrases, gazetteer, sorting guide.

No Django here: the engine only needs plain lists. A database-backed loader (phrases edited by
supervisors) can provide the same shapes and call `Engine.build` the same way.
"""

from __future__ import annotations

import json
from pathlib import Path

from chatbot.nlu import Engine, Gazetteer

CHATBOT_DIR = Path(__file__).resolve().parent
DATA_DIR = CHATBOT_DIR / "data"
TRAINING_DIR = DATA_DIR / "training"
TERRITORY_FILE = CHATBOT_DIR.parent / "maison" / "data" / "territory.json"
SORTING_GUIDE_FILE = DATA_DIR / "sorting_guide.json"
DECHETERIES_FILE = DATA_DIR / "decheteries.json"
NULL_FILE_STEM = "_null"


def _read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _read_phrases(path: Path) -> list[str]:
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def load_training_from_files(directory: Path = TRAINING_DIR) -> dict[str | None, list[str]]:
    """{intent_id: phrases}; out-of-scope phrases (`_null.txt`) under the key None."""
    training: dict[str | None, list[str]] = {}
    for path in sorted(directory.glob("*.txt")):
        key = None if path.stem == NULL_FILE_STEM else path.stem
        training[key] = _read_phrases(path)
    return training


def load_gazetteer_from_files(
    territory_file: Path = TERRITORY_FILE,
    sorting_guide_file: Path = SORTING_GUIDE_FILE,
    decheteries_file: Path = DECHETERIES_FILE,
) -> Gazetteer:
    territory = _read_json(territory_file)
    communes = [(c["name"], c.get("aliases", [])) for c in territory["communes"]]
    streets = [
        (street, c["name"])
        for c in territory["communes"]
        for zone in c.get("zones", [])
        for street in zone.get("streets", [])
    ]
    guide = _read_json(sorting_guide_file)
    items = [(item["name"], item.get("synonyms", [])) for item in guide["items"]]
    decheteries = [(d["name"], d.get("aliases", [])) for d in _read_json(decheteries_file)[
        "decheteries"]]
    return Gazetteer(communes=communes, streets=streets, items=items, decheteries=decheteries)


def build_engine_from_files(**engine_options) -> Engine:
    """The engine as shipped: every training file and the file-backed gazetteer."""
    return Engine.build(
        training=load_training_from_files(), gazetteer=load_gazetteer_from_files(), **engine_options
    )
