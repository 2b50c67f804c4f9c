"""How big the demo catalogue is, and how counts are shared out exactly."""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SectorShape:
    """Counts of one sector (public bodies or private companies)."""

    organisations: int
    datasets: int
    resources: int

    def scaled(self, scale: float) -> SectorShape:
        """The same sector at ``scale``: proportional, at least one of each kind."""
        datasets = _at_least_one(self.datasets * scale)
        return SectorShape(
            organisations=_at_least_one(self.organisations * scale),
            datasets=datasets,
            resources=max(datasets, _at_least_one(self.resources * scale)),
        )


@dataclass(frozen=True)
class CatalogueShape:
    public: SectorShape
    private: SectorShape

    def scaled(self, scale: float) -> CatalogueShape:
        if not 0 < scale <= 1:
            raise ValueError(f"scale must be in (0, 1], got {scale}")
        return CatalogueShape(self.public.scaled(scale), self.private.scaled(scale))


#: The published figures of ODPO on 2025-10-01.
PUBLISHED_SHAPE = CatalogueShape(
    public=SectorShape(organisations=12, datasets=708, resources=2564),
    private=SectorShape(organisations=93, datasets=41, resources=109),
)


def _at_least_one(value: float) -> int:
    return max(1, math.floor(value + 0.5))


def apportion(
    total: int,
    weights: Sequence[float],
    minimum: int = 0,
    capacities: Sequence[int] | None = None,
) -> list[int]:
    """Share ``total`` out in proportion to ``weights`` (largest remainder).

    Every share gets at least ``minimum`` and at most its capacity; what a
    full share cannot take goes to the others, still by weight.
    """
    count = len(weights)
    limits = list(capacities) if capacities is not None else [total] * count
    if minimum * count > total or sum(limits) < total:
        raise ValueError(f"cannot share {total} among {count} with these bounds")
    shares = [minimum] * count
    while (remaining := total - sum(shares)) > 0:
        open_slots = [i for i in range(count) if shares[i] < limits[i]]
        gains = _largest_remainder(remaining, [weights[i] or 1e-9 for i in open_slots])
        for slot, gain in zip(open_slots, gains, strict=True):
            shares[slot] = min(limits[slot], shares[slot] + gain)
    return shares


def _largest_remainder(total: int, weights: Sequence[float]) -> list[int]:
    weight_sum = sum(weights)
    quotas = [total * weight / weight_sum for weight in weights]
    shares = [math.floor(quota) for quota in quotas]
    by_remainder = sorted(
        range(len(weights)), key=lambda i: (shares[i] - quotas[i], i)
    )
    for index in by_remainder[: total - sum(shares)]:
        shares[index] += 1
    return shares
