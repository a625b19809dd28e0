"""A small client of a running `assistant serve`'s HTTP API (Gradio's `/gradio_api/call/NAME`), with urllib only:
the local `ask` path never imports it, and asking through it imports no HTTP library heavier than the standard one."""

from __future__ import annotations

import http.client
import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass

from assistant.errors import AssistantError, ServerAnswerError

TIMEOUT = 600.0  # seconds without a byte before a request is given up (an answer waits in the server's queue)
PROBE_TIMEOUT = 30.0  # the first request: a server that is stopped (SIGSTOP) or hung is named within this


class ServerUnreachable(AssistantError, ConnectionError):
    """Nothing accepts connections at the recorded address: the server is gone (its record is stale)."""


@dataclass(frozen=True)
class ServerClient:
    """Calls the named API endpoints of the server at `url`."""

    url: str
    timeout: float = TIMEOUT

    def call(self, name: str, *args: object) -> object:
        """The result of endpoint `name` for `args`; ServerAnswerError with the server's message when it reports an
        error (a bad date: the same one-line message as locally), ServerUnreachable when it cannot be reached."""
        base = f"{self.url.rstrip('/')}/gradio_api/call/{name}"
        body = json.dumps({"data": list(args)}).encode("utf-8")
        request = urllib.request.Request(base, data=body, headers={"Content-Type": "application/json"}, method="POST")
        event_id = self._json(request).get("event_id")
        if not isinstance(event_id, str):
            raise ServerAnswerError(f"the server at {self.url} did not take the request to /{name}")
        return self._result(name, f"{base}/{event_id}")

    def _open(self, request: urllib.request.Request | str):
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            raise ServerAnswerError(f"the server at {self.url} answered HTTP {exc.code} ({exc.reason})") from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, ConnectionRefusedError | FileNotFoundError | socket.gaierror):
                raise ServerUnreachable(f"nothing answers at {self.url}") from None
            if isinstance(exc.reason, TimeoutError):
                raise ServerAnswerError(f"the server at {self.url} did not answer within {self.timeout:.0f} s") from None
            raise ServerAnswerError(f"the server at {self.url} cannot be reached: {exc.reason}") from None
        except ConnectionRefusedError:
            raise ServerUnreachable(f"nothing answers at {self.url}") from None

    def _json(self, request: urllib.request.Request) -> dict:
        try:
            with self._open(request) as response:
                out = json.loads(response.read())
        except json.JSONDecodeError:
            out = None
        except TimeoutError:
            raise ServerAnswerError(f"the server at {self.url} did not answer within {self.timeout:.0f} s") from None
        if not isinstance(out, dict):
            raise ServerAnswerError(f"the server at {self.url} answered something else than its API")
        return out

    def _result(self, name: str, url: str) -> object:
        """Read the event stream until its `complete` or `error` event."""
        event = ""
        try:
            with self._open(url) as stream:
                for raw in stream:
                    line = raw.decode("utf-8").rstrip("\r\n")
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:") and event in ("complete", "error"):
                        data = json.loads(line[5:].strip() or "null")
                        if event == "complete":
                            return data[0] if isinstance(data, list) and data else data
                        message = data.get("error") if isinstance(data, dict) else None
                        raise ServerAnswerError(message or f"the server at {self.url} failed on /{name} (see its log)")
        except (TimeoutError, http.client.IncompleteRead, ConnectionResetError):
            raise ServerAnswerError(f"the server at {self.url} stopped answering /{name}") from None
        except json.JSONDecodeError:
            raise ServerAnswerError(f"the server at {self.url} sent an unreadable result for /{name}") from None
        raise ServerAnswerError(f"the server at {self.url} closed /{name} without a result")
