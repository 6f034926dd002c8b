"""The bench's method, shared by every figure: ours and a same-shape reference measured in turns
(ours, reference, ours, reference…) in the same run, the figure the median of at least ``RUNS`` of them with
the spread in its note. A busy machine slows whichever runs at that moment; in turns, both are hit alike.

    comparison = compare(lambda: time_ours(), lambda: time_reference())
    results["x_ms"] = comparison.figure("ms", "what it measures; target ≤ …")

When one run yields several figures (a live run: p99, p50, join time, memory), ``interleave`` gives the runs'
results in order and ``Comparison.of(ours, references)`` makes each figure from them.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

RUNS = 3
"""Interleaved runs per figure: the median of three is the least that ignores one disturbed run."""

T = TypeVar("T")
R = TypeVar("R")


def interleave(ours: Callable[[], T], reference: Callable[[], R], runs: int = RUNS) -> tuple[list[T], list[R]]:
    """``runs`` results of each, measured alternately: ours, reference, ours, reference…"""
    mine: list[T] = []
    theirs: list[R] = []
    for _ in range(runs):
        mine.append(ours())
        theirs.append(reference())
    return mine, theirs


@dataclass(frozen=True)
class Comparison:
    """The values of ours and of the reference, run by run (the reference's may be None: not measured)."""

    values: Sequence[float | None]
    references: Sequence[float | None]

    @classmethod
    def of(cls, values: Sequence[float | None], references: Sequence[float | None] | None = None) -> Comparison:
        return cls(list(values), list(references) if references is not None else [None] * len(values))

    @property
    def value(self) -> float | None:
        return _median(self.values)

    @property
    def reference(self) -> float | None:
        return _median(self.references)

    @property
    def ratios(self) -> list[float]:
        """Each run's ratio: ours over the reference measured next to it."""
        return [v / r for v, r in zip(self.values, self.references, strict=True) if v is not None and r]

    @property
    def ratio(self) -> float | None:
        return _median(self.ratios)

    def spread(self, unit: str = "") -> str:
        """The runs' range, for the note: the ratios' when there is a reference, else the values'."""
        ratios = self.ratios
        if ratios:
            return f"median of {len(ratios)} interleaved runs, ratios {_range(ratios, '')}"
        values = [v for v in self.values if v is not None]
        return f"median of {len(values)} runs, {_range(values, unit)}" if values else "no run completed"

    def figure(self, unit: str, note: str) -> dict:
        return figure(self.value, unit, self.reference, f"{note} ({self.spread(unit)})", ratio=self.ratio)


def compare(ours: Callable[[], float | None], reference: Callable[[], float | None],
            runs: int = RUNS) -> Comparison:
    """Ours and the reference timed in turns, ``runs`` times each."""
    return Comparison.of(*interleave(ours, reference, runs))


def figure(value: float | None, unit: str, reference: float | None, note: str,
           ratio: float | None = None) -> dict:
    """One entry of bench/results.json; the ratio is value/reference unless given (a median of per-run ratios)."""
    if ratio is None and value is not None and reference:
        ratio = value / reference
    return {"value": _rounded(value), "unit": unit, "reference": _rounded(reference),
            "ratio": None if ratio is None else round(ratio, 2), "note": note}


def _median(values: Sequence[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return statistics.median(present) if present else None


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _range(values: Sequence[float], unit: str) -> str:
    low, high = min(values), max(values)
    suffix = f" {unit}" if unit else ""
    return f"{low:.2f}{suffix}" if low == high else f"{low:.2f}–{high:.2f}{suffix}"
