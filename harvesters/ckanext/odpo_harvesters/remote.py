"""A polite HTTP client for remote catalogues.

One request at a time, at most one per ``delay`` seconds; 429, 5xx, timeouts
and dropped connections are retried with exponential backoff (``Retry-After``
honoured); every failure ends as a :class:`RemoteError` whose message says
what went wrong in words an operator can act on.
"""
from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
USER_AGENT = "ODPO-harvester/0.1 (+https://odpo.example.jp)"
#: Longest wait a Retry-After header may impose, in seconds.
MAX_RETRY_AFTER = 300.0


class RemoteError(Exception):
    """A remote request failed for good (after the retries)."""


@dataclass
class PoliteClient:
    """GET requests with a minimum delay between them and retries.

    ``delay``: seconds between two requests; ``retries``: further attempts
    after a retryable failure; ``backoff``: first wait, doubled each time;
    ``timeout``: seconds for connecting and for each read.
    """

    delay: float = 1.0
    retries: int = 3
    backoff: float = 1.0
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    _last_request: float = field(default=0.0, init=False)

    def __post_init__(self) -> None:
        self.session.headers["User-Agent"] = USER_AGENT

    def get_bytes(self, url: str, params: dict[str, Any] | None = None) -> tuple[bytes, str]:
        """The body and Content-Type of ``url``, or :class:`RemoteError`."""
        wait = self.backoff
        for attempt in range(self.retries + 1):
            self._keep_pace()
            last_attempt = attempt == self.retries
            try:
                reply = self.session.get(url, params=params, timeout=self.timeout)
            except requests.Timeout as error:
                problem = f"no answer within {self.timeout:g} s ({type(error).__name__})"
            except requests.ConnectionError as error:
                problem = f"connection failed ({_first_line(error)})"
            except requests.RequestException as error:
                raise RemoteError(f"{url}: request failed ({_first_line(error)})") from error
            else:
                if reply.status_code == 200:
                    return reply.content, reply.headers.get("Content-Type", "")
                problem = f"HTTP {reply.status_code}{_body_hint(reply)}"
                if reply.status_code not in RETRYABLE_STATUSES:
                    raise RemoteError(f"{reply.url}: {problem}")
                retry_after = retry_after_seconds(reply.headers.get("Retry-After"))
                if retry_after is not None and not last_attempt:
                    self.sleep(retry_after)
                    continue
            if last_attempt:
                tries = self.retries + 1
                raise RemoteError(f"{url}: {problem}, after {tries} attempt{'s' if tries > 1 else ''}")
            self.sleep(wait)
            wait *= 2
        raise AssertionError("unreachable")

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        """``url`` parsed as JSON; HTML pages and broken JSON are :class:`RemoteError`."""
        body, content_type = self.get_bytes(url, params)
        try:
            return json.loads(body.decode("utf-8-sig"))
        except UnicodeDecodeError as error:
            raise RemoteError(f"{url}: the answer is not UTF-8 JSON ({error.reason})") from error
        except json.JSONDecodeError as error:
            if body.lstrip()[:1] == b"<" or "html" in content_type.lower():
                raise RemoteError(
                    f"{url}: an HTML page came back instead of JSON ({_html_title(body)})"
                ) from error
            raise RemoteError(
                f"{url}: the JSON is invalid or cut off at character {error.pos} of {len(body)}"
                f" ({error.msg})"
            ) from error

    def _keep_pace(self) -> None:
        if self.delay > 0:
            pause = self._last_request + self.delay - time.monotonic()
            if pause > 0:
                self.sleep(pause)
        self._last_request = time.monotonic()


def retry_after_seconds(header: str | None) -> float | None:
    """Seconds a ``Retry-After`` header asks for (seconds or an HTTP date), capped."""
    if not header:
        return None
    header = header.strip()
    if header.isdigit():
        return min(float(header), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, min(when.timestamp() - time.time(), MAX_RETRY_AFTER))


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0][:200] if str(error) else type(error).__name__


def _body_hint(reply: requests.Response) -> str:
    text = reply.text[:2000] if reply.content else ""
    if "<title" in text.lower():
        return f" ({_html_title(reply.content)})"
    return ""


def _html_title(body: bytes) -> str:
    text = body[:4000].decode("utf-8", "replace")
    lower = text.lower()
    start = lower.find("<title")
    if start == -1:
        return "untitled page"
    start = lower.find(">", start) + 1
    end = lower.find("</title", start)
    title = " ".join(text[start:end if end != -1 else start + 120].split())
    return f"page title: {title[:120]!r}"
