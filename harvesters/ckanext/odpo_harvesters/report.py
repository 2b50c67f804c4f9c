"""Per-source harvest figures for operators: the ``ckan odpo harvest
report`` command and the harvest source page (status, datasets over time)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import ckan.model as model
import sqlalchemy as sa
from ckanext.harvest.model import (
    HarvestGatherError,
    HarvestJob,
    HarvestObject,
    HarvestObjectError,
    HarvestObjectExtra,
    HarvestSource,
)


@dataclass
class JobFigures:
    """One harvest job: when, its status and what its objects did."""

    job_id: str
    created: datetime.datetime
    finished: datetime.datetime | None
    status: str
    added: int = 0
    updated: int = 0
    withdrawn: int = 0
    errored: int = 0
    gather_errors: list[str] = field(default_factory=list)
    #: datasets of the source, published (not withdrawn), after this job
    datasets_after: int = 0


@dataclass
class SourceReport:
    """A harvest source: settings, jobs (oldest first), current counts."""

    source_id: str
    title: str
    url: str
    source_type: str
    active: bool
    jobs: list[JobFigures]
    published: int
    withdrawn: int
    object_errors: list[str]
    unmapped_licences: dict[str, int]

    @property
    def last_job(self) -> JobFigures | None:
        return self.jobs[-1] if self.jobs else None


def source_report(source: HarvestSource, error_limit: int = 10) -> SourceReport:
    jobs = [_job_figures(job) for job in (
        model.Session.query(HarvestJob).filter(HarvestJob.source_id == source.id)
        .order_by(HarvestJob.created).all()
    )]
    total = 0
    for job in jobs:
        total = max(0, total + job.added - job.withdrawn)
        job.datasets_after = total
    published, withdrawn = _package_states(source.id)
    last = jobs[-1] if jobs else None
    errors = []
    if last is not None:
        errors = [f"{guid}: {message}" for guid, message in (
            model.Session.query(HarvestObject.guid, HarvestObjectError.message)
            .join(HarvestObjectError, HarvestObjectError.harvest_object_id == HarvestObject.id)
            .filter(HarvestObject.harvest_job_id == last.job_id)
            .order_by(HarvestObject.guid).limit(error_limit)
        )]
    unmapped = dict(
        model.Session.query(HarvestObjectExtra.value, sa.func.count(sa.distinct(HarvestObject.guid)))
        .join(HarvestObject, HarvestObject.id == HarvestObjectExtra.harvest_object_id)
        .filter(HarvestObject.harvest_source_id == source.id, HarvestObject.current.is_(True),
                HarvestObjectExtra.key == "licence_unmapped")
        .group_by(HarvestObjectExtra.value)
        .all()
    )
    return SourceReport(
        source_id=source.id, title=source.title or source.url, url=source.url, source_type=source.type,
        active=bool(source.active), jobs=jobs, published=published, withdrawn=withdrawn,
        object_errors=errors, unmapped_licences=unmapped,
    )


def _job_figures(job: HarvestJob) -> JobFigures:
    statuses = dict(
        model.Session.query(HarvestObject.report_status, sa.func.count())
        .filter(HarvestObject.harvest_job_id == job.id)
        .group_by(HarvestObject.report_status)
        .all()
    )
    gather_errors = [message for (message,) in (
        model.Session.query(HarvestGatherError.message)
        .filter(HarvestGatherError.harvest_job_id == job.id).order_by(HarvestGatherError.created)
    )]
    return JobFigures(
        job_id=job.id, created=job.created, finished=job.finished, status=job.status,
        added=statuses.get("added", 0), updated=statuses.get("updated", 0),
        withdrawn=statuses.get("deleted", 0), errored=statuses.get("errored", 0),
        gather_errors=gather_errors,
    )


def _package_states(source_id: str) -> tuple[int, int]:
    """Datasets of the source now: published (active) and withdrawn (deleted)."""
    package_ids = (
        model.Session.query(HarvestObject.package_id)
        .filter(HarvestObject.harvest_source_id == source_id, HarvestObject.package_id.isnot(None))
        .distinct().subquery()
    )
    states = dict(
        model.Session.query(model.Package.state, sa.func.count())
        .filter(model.Package.id.in_(sa.select(package_ids.c.package_id)))
        .group_by(model.Package.state).all()
    )
    return states.get("active", 0), states.get("deleted", 0)


def stamp(moment: datetime.datetime | str | None) -> str:
    """``YYYY-MM-DD HH:MM`` of a job time (datetime or ISO text), ``-`` if unset."""
    if not moment:
        return "-"
    if isinstance(moment, str):
        moment = datetime.datetime.fromisoformat(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def all_reports() -> list[SourceReport]:
    sources = (model.Session.query(HarvestSource).filter(HarvestSource.active.is_(True))
               .order_by(HarvestSource.title).all())
    return [source_report(source) for source in sources]


def report_lines(report: SourceReport) -> list[str]:
    """The report of one source as text lines."""
    last = report.last_job
    lines = [f"{report.title}  [{report.source_type}]  {report.url}"]
    if last is None:
        lines.append("  no harvest run yet")
    else:
        lines.append(f"  last job: {last.status}, created {stamp(last.created)} UTC, "
                     f"finished {stamp(last.finished)}")
        lines.append(f"  last job objects: {last.added} added, {last.updated} updated, "
                     f"{last.withdrawn} withdrawn, {last.errored} errors")
        lines += [f"  gather error: {message}" for message in last.gather_errors]
        lines += [f"  object error: {message}" for message in report.object_errors]
    lines.append(f"  datasets now: {report.published} published, {report.withdrawn} withdrawn; "
                 f"{len(report.jobs)} jobs in total")
    for text, count in sorted(report.unmapped_licences.items(), key=lambda item: -item[1]):
        lines.append(f"  unmapped licence x{count}: {text}")
    return lines
