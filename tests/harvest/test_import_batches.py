"""Records imported in batches (``odpo.harvest.import_batch_size``): the
first waiting object of a job imports several records in one commit; each
is findable as soon as that commit is done, a record the schema rejects
fails alone, and a batch interrupted before its commit leaves nothing
behind and is imported by the next run."""
from __future__ import annotations

import json

import pytest
from harvest_support import HARVEST_PLUGINS, Answer, harvest_source, harvested, run_job

TOYONAKA = "272035"


def record(number: int, **fields):
    data = {"id": f"batch-{number}", "name": f"{TOYONAKA}_batch_{number}", "title": f"豊中市 バッチ {number}",
            "metadata_modified": f"2026-02-0{number}T00:00:00", "license_id": "cc-by-40-intl",
            "resources": [{"name": "CSV", "url": f"https://example.jp/b{number}.csv", "format": "CSV"}]}
    data.update(fields)
    return data


def serve(web_server, path: str, records: list[dict]) -> str:
    def answer(results):
        return Answer(json.dumps({"success": True, "result": {"count": len(results), "results": results}},
                                 ensure_ascii=False).encode())

    listing = [{"id": item["id"], "metadata_modified": item["metadata_modified"]} for item in records]
    web_server.serve(f"{path}/api/3/action/package_search", answer(listing), answer(records))
    return web_server.base_url + path


def found(query: str) -> set[str]:
    """Names package_search finds for ``query`` (what a visitor can find)."""
    import ckan.plugins.toolkit as tk

    result = tk.get_action("package_search")({}, {"q": query, "rows": 100})
    return {dataset["name"] for dataset in result["results"]}


def gather_five(web_server, name: str):
    """A source of five records and a job whose gather has run (objects
    waiting, none imported yet): its harvester, source id and objects."""
    import ckan.plugins as p
    from ckanext.harvest import queue
    from ckanext.harvest.interfaces import IHarvester
    from ckanext.harvest.model import HarvestJob, HarvestObject, HarvestSource

    url = serve(web_server, f"/{name}", [record(number) for number in range(1, 6)])
    source = harvest_source(url, "odpo_ckan", {"organisation_code": TOYONAKA}, name=name)
    harvester = next(plugin for plugin in p.PluginImplementations(IHarvester)
                     if plugin.info()["name"] == "odpo_ckan")
    job = HarvestJob(source=HarvestSource.get(source["id"]))
    job.save()
    object_ids = queue.gather_stage(harvester, job)
    return harvester, source["id"], [HarvestObject.get(object_id) for object_id in object_ids]


@pytest.mark.parametrize("batch_size", [1, 10])
@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_rejected_record_fails_alone(web_server, ckan_config, monkeypatch, batch_size):
    monkeypatch.setitem(ckan_config, "odpo.harvest.import_batch_size", batch_size)
    records = [record(1), record(2, tags=[{"name": "防災!"}]), record(3), record(4, title="", name=""),
               record(5)]
    url = serve(web_server, f"/rejected-{batch_size}", records)
    source = harvest_source(url, "odpo_ckan", {"organisation_code": TOYONAKA}, name=f"rejected-{batch_size}")

    result = run_job(source["id"], "odpo_ckan")

    assert result["job"].status == "Finished"
    errors = {guid: [error.message for error in item["errors"]] for guid, item in result["objects"].items()}
    assert errors["batch-2"] == ["rejected by the ODPO schema: tags: Tag \"防災!\" can only contain "
                                 "alphanumeric characters, spaces (\" \"), hyphens (\"-\"), underscores "
                                 "(\"_\") or dots (\".\")"]
    assert errors["batch-4"] == ["the record has neither a title nor a name"]
    assert {guid for guid, messages in errors.items() if messages} == {"batch-2", "batch-4"}
    states = {guid: (item["state"], item["report_status"]) for guid, item in result["objects"].items()}
    assert states == {"batch-1": ("COMPLETE", "added"), "batch-2": ("ERROR", "errored"),
                      "batch-3": ("COMPLETE", "added"), "batch-4": ("ERROR", "errored"),
                      "batch-5": ("COMPLETE", "added")}
    assert set(harvested(source["id"])) == {"batch-1", "batch-3", "batch-5"}
    assert found("豊中市") == {f"{TOYONAKA}_batch_{number}" for number in (1, 3, 5)}


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.ckan_config("odpo.harvest.import_batch_size", "3")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_batch_is_searchable_once_its_leader_is_imported(web_server):
    from ckanext.harvest import queue

    harvester, _source_id, objects = gather_five(web_server, "searchable")
    assert found("豊中市") == set()

    queue.fetch_and_import_stages(harvester, objects[0])

    # the first object imported two more of the job's records with it
    assert objects[0].state == "COMPLETE"
    assert len(found("豊中市")) == 3
    assert sum(1 for item in objects if item.package_id) == 3

    for item in objects[1:]:
        queue.fetch_and_import_stages(harvester, item)
    assert [(item.state, item.report_status) for item in objects] == [("COMPLETE", "added")] * 5
    assert found("豊中市") == {f"{TOYONAKA}_batch_{number}" for number in range(1, 6)}
    assert len({item.package_id for item in objects}) == 5


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.ckan_config("odpo.harvest.import_batch_size", "3")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_a_job_stopped_after_a_batch_is_completed_by_the_next_run_without_duplicates(web_server):
    from ckanext.harvest import queue

    harvester, source_id, objects = gather_five(web_server, "stopped")
    queue.fetch_and_import_stages(harvester, objects[0])
    batched = {item.guid for item in objects if item.package_id}
    # the watchdog (ckan.harvest.timeout) ends the job before the other queue
    # messages are consumed: the fetch consumer then sets their objects to ERROR
    for item in objects[1:]:
        item.state = "ERROR"
        item.save()

    result = run_job(source_id, "odpo_ckan")

    assert len(batched) == 3
    assert set(result["objects"]) == {f"batch-{number}" for number in range(1, 6)} - batched
    names = {f"{TOYONAKA}_batch_{number}" for number in range(1, 6)}
    assert {dataset["name"] for dataset in harvested(source_id).values()} == names
    assert found("豊中市") == names


class Crash(BaseException):
    """The process dies (not an error the harvester could handle)."""


@pytest.mark.ckan_config("ckan.plugins", HARVEST_PLUGINS)
@pytest.mark.ckan_config("odpo.harvest.import_batch_size", "10")
@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
def test_an_interrupted_batch_leaves_nothing_and_the_next_run_imports_it(web_server, monkeypatch):
    import ckan.model as model
    from ckanext.odpo_harvesters import batch

    url = serve(web_server, "/interrupted", [record(number) for number in range(1, 5)])
    source = harvest_source(url, "odpo_ckan", {"organisation_code": TOYONAKA}, name="interrupted")

    def crash(*args, **kwargs):
        raise Crash()

    # after every dataset of the batch was saved, before the commit
    monkeypatch.setattr(batch.search_connection, "write_held_back", crash)
    with pytest.raises(Crash):
        run_job(source["id"], "odpo_ckan")
    model.Session.rollback()
    monkeypatch.undo()

    assert found("豊中市") == set()
    assert model.Session.query(model.Package).filter(model.Package.name.like(f"{TOYONAKA}_batch_%")).count() == 0
    assert harvested(source["id"]) == {}

    result = run_job(source["id"], "odpo_ckan")

    assert {guid: item["state"] for guid, item in result["objects"].items()} == {
        f"batch-{number}": "COMPLETE" for number in range(1, 5)}
    names = {f"{TOYONAKA}_batch_{number}" for number in range(1, 5)}
    assert {dataset["name"] for dataset in harvested(source["id"]).values()} == names
    assert found("豊中市") == names
