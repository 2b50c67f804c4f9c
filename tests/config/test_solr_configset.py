"""What an operator relies on in the production configuration under ``config/``.

* the Solr configset: CKAN 2.12 accepts its schema and indexes into it as into
  its own, and its text analysis handles Japanese;
* ``production.ini.in``: production search backend, installed plugins,
  declared option names;
* the cron file and the systemd units: well-formed, and every ``ckan``
  command they run exists.

None of these tests needs the database or a running Solr.
"""

from __future__ import annotations

import configparser
import re
import runpy
import shlex
import unicodedata
import xml.dom.minidom
from importlib.metadata import entry_points
from pathlib import Path
from xml.etree import ElementTree

import ckan.lib.search
import click
import pytest
from ckan.config.declaration import Declaration
from ckan.plugins import IClick

REPO = Path(__file__).resolve().parents[2]
CONFIG = REPO / "config"
CONF = CONFIG / "solr" / "odpo" / "conf"
SCHEMA = CONF / "schema.xml"
SOLRCONFIG = CONF / "solrconfig.xml"
NFKC_MAPPING = CONF / "mapping-nfkc.txt"
CKAN_SCHEMA = Path(ckan.lib.search.__file__).parents[2] / "config" / "solr" / "schema.xml"
PRODUCTION_INI = CONFIG / "production.ini.in"
CRON = CONFIG / "cron" / "odpo"
SYSTEMD = CONFIG / "systemd"

VENV_CKAN = "/opt/odpo/venv/bin/ckan"
PRODUCTION_CONFIG = "/etc/odpo/production.ini"
CKAN_SERVICES = {
    "odpo-worker.service": ["jobs", "worker"],
    "odpo-harvest-gather.service": ["harvester", "gather-consumer"],
    "odpo-harvest-fetch.service": ["harvester", "fetch-consumer"],
}
CJK_SCRIPTS = ("han", "hiragana", "katakana", "hangul")


# -- helpers ------------------------------------------------------------------


def _schema(path: Path) -> ElementTree.Element:
    return ElementTree.parse(path).getroot()


def _by_name(root: ElementTree.Element, tag: str) -> dict[str, dict[str, str]]:
    return {element.get("name", ""): dict(element.attrib) for element in root.iter(tag)}


def _field_types(root: ElementTree.Element) -> dict[str, ElementTree.Element]:
    types = list(root.iter("fieldType")) + list(root.iter("fieldtype"))
    return {element.get("name", ""): element for element in types}


def _analyzers(field_type: ElementTree.Element) -> list[ElementTree.Element]:
    analyzers = field_type.findall("analyzer")
    assert analyzers, f"field type {field_type.get('name')} has no analyzer"
    return analyzers


def _components(analyzer: ElementTree.Element) -> list[tuple[str, dict[str, str]]]:
    return [(child.tag, dict(child.attrib)) for child in analyzer]


def _production_ini() -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(PRODUCTION_INI, encoding="utf-8")
    return parser


def _production_plugins() -> list[str]:
    return _production_ini()["app:main"]["ckan.plugins"].split()


def _cli_commands() -> dict[str, click.Command]:
    """Top-level ``ckan`` commands: core ones plus those of the production plugins
    (``ckan odpo ...``, ``ckan orden-consent ...``, ``ckan harvester ...``)."""
    from ckan.cli.cli import ckan as ckan_cli

    commands: dict[str, click.Command] = dict(ckan_cli.commands)
    installed = entry_points(group="ckan.plugins")
    for name in _production_plugins():
        plugin_class = installed[name].load()
        if IClick.implemented_by(plugin_class):
            for command in plugin_class().get_commands():
                commands[command.name or ""] = command
    return commands


def _assert_ckan_command_exists(words: list[str]) -> None:
    """``words`` is e.g. ``["harvester", "gather-consumer"]``."""
    commands = _cli_commands()
    group_name, command_name = words[0], words[1]
    assert group_name in commands, f"no `ckan {group_name}` command"
    group = commands[group_name]
    assert isinstance(group, click.Group), f"`ckan {group_name}` is not a group"
    assert command_name in group.commands, f"no `ckan {group_name} {command_name}` command"


def _ckan_arguments(command: str) -> list[str]:
    """The words after ``ckan -c production.ini`` in a shell command."""
    words = shlex.split(command)
    assert VENV_CKAN in words, command
    start = words.index(VENV_CKAN)
    assert words[start + 1 : start + 3] == ["-c", PRODUCTION_CONFIG], command
    return words[start + 3 :]


def _unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """Parse a systemd unit file: section -> key -> values (keys may repeat)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] = {}
    logical = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if logical:
            line = logical + " " + line
            logical = ""
        if not line or line.startswith(("#", ";")):
            continue
        if line.endswith("\\"):
            logical = line[:-1].strip()
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def _valid_cron_field(field: str, low: int, high: int) -> bool:
    for part in field.split(","):
        match = re.fullmatch(r"(\*|\d+(?:-\d+)?)(?:/(\d+))?", part)
        if not match:
            return False
        span, step = match.groups()
        if step is not None and int(step) == 0:
            return False
        if span != "*":
            bounds = [int(number) for number in span.split("-")]
            if not all(low <= number <= high for number in bounds) or bounds != sorted(bounds):
                return False
    return True


def _cron_jobs() -> list[list[str]]:
    """The job lines of the cron file, split into 5 time fields, user, command."""
    jobs = []
    for line in CRON.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", line):
            continue  # environment assignment
        jobs.append(line.split(None, 6))
    return jobs


def _unescape_mapping(text: str) -> str:
    """Undo MappingCharFilter escapes; ``\\uXXXX`` are UTF-16 code units."""
    units = re.sub(
        r"\\(u[0-9A-Fa-f]{4}|.)",
        lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u" else m.group(1),
        text,
    )
    return units.encode("utf-16", "surrogatepass").decode("utf-16")


def _nfkc_rules() -> dict[str, str]:
    rules: dict[str, str] = {}
    for line in NFKC_MAPPING.read_text(encoding="ascii").splitlines():
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r'"((?:[^"\\]|\\.)*)" => "((?:[^"\\]|\\.)*)"', line)
        assert match, f"malformed mapping rule: {line}"
        source = _unescape_mapping(match.group(1))
        assert source not in rules, f"duplicate mapping rule: {line}"
        rules[source] = _unescape_mapping(match.group(2))
    return rules


# -- Solr schema --------------------------------------------------------------


def test_schema_is_well_formed_and_accepted_by_ckan(monkeypatch: pytest.MonkeyPatch) -> None:
    xml.dom.minidom.parse(str(SCHEMA))
    monkeypatch.setattr(ckan.lib.search, "is_available", lambda: True)

    assert ckan.lib.search.check_solr_schema_version(schema_file=str(SCHEMA)) is True
    assert _schema(SCHEMA).get("name") == _schema(CKAN_SCHEMA).get("name") == "ckan-2.12"


@pytest.mark.parametrize("tag", ["field", "dynamicField"])
def test_schema_declares_every_ckan_field_unchanged(tag: str) -> None:
    ours = _by_name(_schema(SCHEMA), tag)
    for name, attributes in _by_name(_schema(CKAN_SCHEMA), tag).items():
        assert ours.get(name) == attributes, f"{tag} {name} differs from CKAN's schema"


def test_schema_keeps_ckan_copy_fields_and_unique_key() -> None:
    ours, ckans = _schema(SCHEMA), _schema(CKAN_SCHEMA)

    def copy_fields(root: ElementTree.Element) -> set[tuple[str | None, str | None]]:
        return {(e.get("source"), e.get("dest")) for e in root.iter("copyField")}

    assert copy_fields(ckans) <= copy_fields(ours)
    assert ours.findtext("uniqueKey") == ckans.findtext("uniqueKey") == "index_id"


def test_non_text_field_types_match_ckan() -> None:
    ours, ckans = _field_types(_schema(SCHEMA)), _field_types(_schema(CKAN_SCHEMA))
    for name, field_type in ckans.items():
        assert name in ours, f"field type {name} is missing"
        if field_type.get("class") != "solr.TextField":
            assert ours[name].attrib == field_type.attrib, f"field type {name} differs"
        else:
            assert ours[name].get("class") == "solr.TextField"


@pytest.mark.parametrize("type_name", ["text", "text_general"])
def test_text_types_normalise_width_and_bigram_cjk(type_name: str) -> None:
    field_type = _field_types(_schema(SCHEMA))[type_name]
    # a query word is matched as a phrase of its tokens (水質 finds 河川水質調査結果)
    assert field_type.get("autoGeneratePhraseQueries") == "true"
    assert field_type.get("enableGraphQueries") == "false"

    for analyzer in _analyzers(field_type):
        components = _components(analyzer)
        classes = [attributes["class"] for _, attributes in components]
        nfkc = (
            "charFilter",
            {"class": "solr.MappingCharFilterFactory", "mapping": "mapping-nfkc.txt"},
        )
        assert nfkc in components or "solr.ICUNormalizer2CharFilterFactory" in classes
        assert "solr.CJKWidthFilterFactory" in classes
        assert "solr.LowerCaseFilterFactory" in classes
        tokenizer = analyzer.find("tokenizer")
        assert tokenizer is not None
        assert tokenizer.get("class") in (
            "solr.StandardTokenizerFactory",
            "solr.ICUTokenizerFactory",
        )
        bigrams = [a for _, a in components if a["class"] == "solr.CJKBigramFilterFactory"]
        assert len(bigrams) == 1
        assert all(bigrams[0].get(script) == "true" for script in CJK_SCRIPTS)
        assert classes[-1] == "solr.CJKBigramFilterFactory"


@pytest.mark.parametrize("type_name", ["text", "text_general"])
def test_text_types_give_cjk_the_same_positions_at_index_and_query_time(type_name: str) -> None:
    # Index and query must both emit unigrams (or both not): otherwise the
    # positions after a CJK run differ and 令和5年度 no longer matches itself.
    field_type = _field_types(_schema(SCHEMA))[type_name]
    unigrams = {
        analyzer.get("type", "both"): bigram.get("outputUnigrams")
        for analyzer in _analyzers(field_type)
        for bigram in analyzer.iter("filter")
        if bigram.get("class") == "solr.CJKBigramFilterFactory"
    }
    assert len(set(unigrams.values())) == 1, unigrams


def test_only_text_type_is_stemmed() -> None:
    types = _field_types(_schema(SCHEMA))

    def stems(type_name: str) -> bool:
        return any(
            f.get("class") == "solr.SnowballPorterFilterFactory"
            for f in types[type_name].iter("filter")
        )

    assert stems("text")
    assert not stems("text_general")


def test_ngram_type_normalises_index_and_query() -> None:
    for analyzer in _analyzers(_field_types(_schema(SCHEMA))["text_ngram"]):
        char_filter = analyzer.find("charFilter")
        assert char_filter is not None and char_filter.get("mapping") == "mapping-nfkc.txt"


def test_files_referenced_by_the_schema_exist() -> None:
    file_attributes = ("mapping", "synonyms", "words", "protected", "dictionary", "types")
    for element in _schema(SCHEMA).iter():
        for attribute in file_attributes:
            for name in filter(None, (element.get(attribute) or "").split(",")):
                assert (CONF / name.strip()).is_file(), f"{name} is referenced but missing"


def test_nfkc_mapping_applies_nfkc() -> None:
    rules = _nfkc_rules()
    wrong = {s: d for s, d in rules.items() if unicodedata.normalize("NFKC", s) != d}
    assert not wrong
    for source, target in [
        ("ｶ", "カ"),
        ("ｶﾞ", "ガ"),
        ("ﾊﾟ", "パ"),
        ("Ａ", "A"),
        ("１", "1"),
        ("①", "1"),
        ("㈱", "(株)"),
        ("㍻", "平成"),
        ("\u3000", " "),
    ]:
        assert rules[source] == target


# -- solrconfig.xml -----------------------------------------------------------


def test_solrconfig_is_a_solr9_classic_schema_config() -> None:
    xml.dom.minidom.parse(str(SOLRCONFIG))
    root = ElementTree.parse(SOLRCONFIG).getroot()

    assert (root.findtext("luceneMatchVersion") or "").startswith("9.")
    schema_factory = root.find("schemaFactory")
    assert schema_factory is not None and schema_factory.get("class") == "ClassicIndexSchemaFactory"
    assert root.find("lib") is None, "the configset must only need Solr core"
    assert root.find("updateHandler/updateLog") is not None
    soft_commit = root.findtext("updateHandler/autoSoftCommit/maxTime") or ""
    default = re.fullmatch(r"\$\{[\w.]+:(-?\d+)\}|(-?\d+)", soft_commit)
    assert default and 0 < int(default.group(1) or default.group(2)) <= 60000


def test_solrconfig_select_handler_defaults() -> None:
    root = ElementTree.parse(SOLRCONFIG).getroot()
    handlers = {h.get("name"): h for h in root.iter("requestHandler")}
    assert handlers["/select"].get("class") == "solr.SearchHandler"
    defaults = {
        e.get("name"): e.text for e in handlers["/select"].iterfind("lst[@name='defaults']/*")
    }
    assert defaults["df"] == "text"
    assert defaults["sow"] == "true"  # each query word is analysed (and phrased) on its own
    assert handlers["/update"].get("class") == "solr.UpdateRequestHandler"


# -- production.ini.in --------------------------------------------------------


def test_production_ini_uses_solr_and_japanese_defaults() -> None:
    options = _production_ini()["app:main"]

    assert options["odpo.search.backend"] == "solr"
    assert options["solr_url"] == "http://127.0.0.1:8983/solr/ckan"
    assert options["debug"] == "false"
    assert options["ckan.locale_default"] == "ja"
    assert options["ckan.locale_order"].split() == ["ja", "en"]
    assert options["ckan.locales_offered"].split() == ["ja", "en"]
    assert options["ckan.harvest.mq.type"] == "redis"
    assert int(options["ckan.harvest.timeout"]) > 0
    for required in [
        "odpo_search",
        "odpo",
        "harvest",
        "ckan_harvester",
        "dcat",
        "dcat_rdf_harvester",
        "structured_data",
    ]:
        assert required in _production_plugins()


def test_production_ini_placeholders_are_documented() -> None:
    text = PRODUCTION_INI.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("#"))

    used = set(re.findall(r"@@[A-Z_]+@@", body))
    assert {"@@SITE_URL@@", "@@DB_URL@@", "@@REDIS_URL@@", "@@SECRET@@", "@@STORAGE_PATH@@"} <= used
    assert used <= set(re.findall(r"@@[A-Z_]+@@", header))


def test_production_plugins_are_installed() -> None:
    installed = {entry_point.name for entry_point in entry_points(group="ckan.plugins")}
    assert set(_production_plugins()) <= installed


# Options of plugins that declare none (ckanext-scheming 3.1.0 has no config declaration).
UNDECLARING_PLUGIN_OPTIONS = {"scheming.dataset_schemas", "scheming.organization_schemas"}


def test_production_ini_options_are_declared() -> None:
    declaration = Declaration()
    declaration.load_core_declaration()
    for plugin in _production_plugins():
        if not plugin.startswith("odpo"):
            declaration.load_plugin(plugin)

    options = _production_ini()["app:main"]
    undeclared = [
        key for key in options
        if not key.startswith("odpo.") and key not in declaration and key not in UNDECLARING_PLUGIN_OPTIONS
    ]
    assert not undeclared


# -- cron ---------------------------------------------------------------------


def test_cron_lines_have_schedule_user_and_command() -> None:
    jobs = _cron_jobs()
    assert jobs
    limits = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]
    for job in jobs:
        assert len(job) == 7, job
        for field, (low, high) in zip(job[:5], limits, strict=True):
            assert _valid_cron_field(field, low, high), job
        assert job[5] in ("odpo", "postgres"), job
        assert "%" not in job[6].replace("\\%", ""), "unescaped % ends a cron command"


def test_cron_runs_existing_ckan_commands() -> None:
    commands = [_ckan_arguments(job[6])[:2] for job in _cron_jobs() if VENV_CKAN in job[6]]
    assert ["harvester", "run"] in commands
    assert ["harvester", "clean-harvest-log"] in commands
    for words in commands:
        _assert_ckan_command_exists(words)


def test_cron_harvester_run_every_15_minutes() -> None:
    (job,) = [job for job in _cron_jobs() if "harvester run" in job[6]]
    assert job[:6] == ["*/15", "*", "*", "*", "*", "odpo"]


def test_cron_backs_up_the_database_with_retention() -> None:
    (job,) = [job for job in _cron_jobs() if "pg_dump" in job[6]]
    assert job[5] == "postgres"
    assert "/var/backups/odpo/" in job[6]
    assert re.search(r"find /var/backups/odpo .*-mtime \+\d+ .*-delete", job[6])


# -- systemd ------------------------------------------------------------------


@pytest.mark.parametrize("unit_name", sorted(CKAN_SERVICES))
def test_ckan_services_run_the_venv_ckan_with_production_ini(unit_name: str) -> None:
    service = _unit(SYSTEMD / unit_name)["Service"]

    (exec_start,) = service["ExecStart"]
    assert exec_start.startswith(VENV_CKAN + " ")
    arguments = _ckan_arguments(exec_start)
    assert arguments == CKAN_SERVICES[unit_name]
    _assert_ckan_command_exists(arguments)


@pytest.mark.parametrize("unit_name", sorted([*CKAN_SERVICES, "odpo-web.service"]))
def test_services_run_as_odpo_restart_and_belong_to_the_target(unit_name: str) -> None:
    unit = _unit(SYSTEMD / unit_name)

    assert unit["Service"]["User"] == ["odpo"]
    assert unit["Service"]["Restart"] == ["on-failure"]
    assert unit["Unit"]["PartOf"] == ["odpo.target"]
    assert unit["Install"]["WantedBy"] == ["odpo.target"]


def test_target_wants_every_service() -> None:
    target = _unit(SYSTEMD / "odpo.target")
    wanted = set(" ".join(target["Unit"]["Wants"]).split())
    assert wanted == {*CKAN_SERVICES, "odpo-web.service"}
    assert target["Install"]["WantedBy"] == ["multi-user.target"]


def test_web_service_serves_ckan_with_gunicorn_from_the_venv() -> None:
    service = _unit(SYSTEMD / "odpo-web.service")["Service"]

    (exec_start,) = service["ExecStart"]
    words = shlex.split(exec_start)
    assert words[0] == "/opt/odpo/venv/bin/gunicorn"
    assert words[words.index("--bind") + 1] == "127.0.0.1:8080"
    assert words[-1] == "odpo_wsgi:application"
    assert words[words.index("--pythonpath") + 1] == "/opt/odpo/src/config/systemd"
    assert (SYSTEMD / "odpo_wsgi.py").is_file()
    assert f"CKAN_INI={PRODUCTION_CONFIG}" in service["Environment"]
    pinned = (SYSTEMD / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^gunicorn==\d+\.\d+\.\d+$", pinned, re.MULTILINE)


def test_wsgi_module_refuses_to_start_without_its_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    missing = tmp_path / "production.ini"
    monkeypatch.setenv("CKAN_INI", str(missing))

    with pytest.raises(RuntimeError, match=str(missing)):
        runpy.run_path(str(SYSTEMD / "odpo_wsgi.py"))
