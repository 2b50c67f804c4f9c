"""The polite client against a misbehaving server: retries, Retry-After,
timeouts, HTML error pages, truncated JSON; every failure a clear message."""
from __future__ import annotations

import json

import pytest
from ckanext.odpo_harvesters.remote import PoliteClient, RemoteError
from harvest_support import Answer

OK = Answer(json.dumps({"success": True, "result": []}).encode(), headers={"Content-Type": "application/json"})


def client(**options):
    waits: list[float] = []
    options = {"delay": 0, "retries": 2, "backoff": 0.01, "timeout": 2, **options}
    return PoliteClient(sleep=waits.append, **options), waits


def test_retries_5xx_with_backoff_then_succeeds(web_server):
    url = web_server.serve("/flaky", Answer(b"", status=503), Answer(b"", status=502), OK)
    polite, waits = client()
    assert polite.get_json(url)["success"] is True
    assert web_server.hits["/flaky"] == 3
    assert waits == [0.01, 0.02]


def test_honours_retry_after(web_server):
    url = web_server.serve("/busy", Answer(b"slow down", status=429, headers={"Retry-After": "7"}), OK)
    polite, waits = client()
    assert polite.get_json(url)["result"] == []
    assert waits == [7.0]


def test_gives_up_with_the_status_and_attempts(web_server):
    url = web_server.serve("/down", Answer(b"", status=500))
    polite, _ = client(retries=1)
    with pytest.raises(RemoteError, match=r"HTTP 500, after 2 attempts"):
        polite.get_json(url)


def test_does_not_retry_a_missing_page(web_server):
    url = web_server.serve("/gone", Answer(b"", status=404))
    polite, waits = client()
    with pytest.raises(RemoteError, match="HTTP 404"):
        polite.get_json(url)
    assert web_server.hits["/gone"] == 1 and waits == []


def test_timeout(web_server):
    url = web_server.serve("/slow", Answer(b"{}", delay=1.5))
    polite, _ = client(timeout=0.3, retries=0)
    with pytest.raises(RemoteError, match=r"no answer within 0.3 s"):
        polite.get_json(url)


def test_html_error_page(web_server):
    page = "<html><head><title>メンテナンス中</title></head><body>只今メンテナンス中です</body></html>"
    url = web_server.serve("/maintenance", Answer(page.encode(), headers={"Content-Type": "text/html"}))
    polite, _ = client()
    with pytest.raises(RemoteError, match="an HTML page came back instead of JSON.*メンテナンス中"):
        polite.get_json(url)


def test_truncated_json(web_server):
    body = json.dumps({"success": True, "result": {"count": 2, "results": [{"id": "a"}]}}).encode()[:40]
    url = web_server.serve("/truncated", Answer(body))
    polite, _ = client()
    with pytest.raises(RemoteError, match=f"invalid or cut off at character .* of {len(body)}"):
        polite.get_json(url)


def test_json_in_a_wrong_encoding(web_server):
    body = json.dumps({"result": "大阪府"}, ensure_ascii=False).encode("cp932")
    url = web_server.serve("/sjis.json", Answer(body))
    polite, _ = client()
    with pytest.raises(RemoteError, match="not UTF-8 JSON"):
        polite.get_json(url)


def test_keeps_the_pace(web_server):
    url = web_server.serve("/paced", OK)
    polite, waits = client(delay=0.5)
    polite.get_json(url)
    polite.get_json(url)
    assert len(waits) == 1 and 0.3 < waits[0] <= 0.5
