"""Template helpers of the harvest source page."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


def get_helpers() -> dict[str, Callable[..., Any]]:
    return {"odpo_harvest_source_report": odpo_harvest_source_report,
            "odpo_harvest_chart": odpo_harvest_chart}


def odpo_harvest_source_report(source_id: str) -> Any:
    """The :class:`~.report.SourceReport` of a source, or ``None``."""
    from ckanext.harvest.model import HarvestSource

    from .report import source_report

    source = HarvestSource.get(source_id)
    return source_report(source) if source is not None else None


def odpo_harvest_chart(report: Any, width: int = 600, height: int = 160) -> dict[str, Any]:
    """Points of the "datasets over time" chart: one per job, scaled to the box."""
    from .report import stamp

    jobs = list(report.jobs) if report else []
    if not jobs:
        return {"points": [], "max": 0, "width": width, "height": height}
    top = max(job.datasets_after for job in jobs) or 1
    step = width / max(len(jobs) - 1, 1)
    points = [
        {"x": round(index * step, 1), "y": round(height - job.datasets_after / top * height, 1),
         "count": job.datasets_after, "date": stamp(job.created),
         "errors": job.errored + len(job.gather_errors)}
        for index, job in enumerate(jobs)
    ]
    return {"points": points, "max": top, "width": width, "height": height,
            "polyline": " ".join(f"{point['x']},{point['y']}" for point in points)}
