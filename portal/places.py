"""Postcodes and the municipalities they reach (PostNord's list, in portal/data/postcodes.csv)."""
import csv
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "postcodes.csv"


@lru_cache(maxsize=1)
def _postcodes() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    with DATA.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["postcode"], []).append(row["municipality_code"])
    return {code: tuple(dict.fromkeys(municipalities)) for code, municipalities in table.items()}


def municipalities_for(postcode: str | None) -> tuple[str, ...]:
    """Codes of the municipalities a postcode reaches; empty for an unknown postcode."""
    return _postcodes().get((postcode or "").strip(), ())
