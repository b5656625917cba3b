"""Wire helpers shared by every handler: JSON in, JSON out, path segments.

Bodies are parsed with orjson, which refuses what Biteship's JSON parser refuses
(``NaN``, ``Infinity``, integers beyond 64 bits, invalid UTF-8) instead of letting
them into the pricing arithmetic.
"""

from __future__ import annotations

import time
from typing import Any, Callable
from urllib.parse import quote, unquote

import orjson
from flask import Request, Response

from .errors import BadRequest, UnsupportedMediaType

_JSON = "application/json"
#: WSGI environ key holding the Biteship ``code`` of the answer (set by the view and by
#: ``errors.render``), for the access log and the request journal.
CODE = "biteship_sandbox.code"


def json_response(body: Any, status: int) -> Response:
    # Non-string keys: marshmallow reports list items by index ({"items": {0: [...]}}).
    return Response(orjson.dumps(body, option=orjson.OPT_NON_STR_KEYS), status=status, mimetype=_JSON)


def read_json_body(req: Request) -> Any:
    """The request body as JSON, for operations that declare a requestBody."""
    raw = req.get_data(cache=True)
    mimetype = req.mimetype
    if mimetype and mimetype != _JSON and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(details={"content_type": req.content_type})
    if not raw.strip():
        raise BadRequest(details={"body": ["Request body is empty; send a JSON object."]})
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise BadRequest(details={"body": [f"Malformed JSON: {exc}"]}) from None


class AccessLog:
    """WSGI middleware: one line per request (method, path, status, Biteship code, ms)
    to ``write``. Outside Flask, so it also times routing and error rendering."""

    def __init__(self, app, write: Callable[[str], None]):
        self.app = app
        self.write = write

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        status = "-"

        def start(line, headers, exc_info=None):
            nonlocal status
            status = line.partition(" ")[0]
            return start_response(line, headers, exc_info)

        body = self.app(environ, start)
        elapsed = (time.perf_counter() - started) * 1000
        # The path is percent-encoded: a decoded path may hold a newline or control
        # characters, which would forge or break log lines.
        path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
        path = quote(path, safe="/:@!$&'()*+,;=-._~")
        self.write(f"{environ['REQUEST_METHOD']} {path} {status} {environ.get(CODE) or '-'} {elapsed:.1f}ms")
        return body


class KeepSlashesInSegments:
    """WSGI middleware: an encoded ``/`` (``%2F``) stays inside its path segment.

    Servers decode ``%2F`` into PATH_INFO, so ``/v1/draft_orders/x%2Fconfirm`` would
    otherwise reach the confirm route. Rebuild PATH_INFO from the raw URI with ``%2F``
    kept encoded; ``path_param`` decodes it once the route is chosen.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        raw = environ.get("REQUEST_URI") or environ.get("RAW_URI") or ""
        if "%2f" in raw.lower():
            path = raw.split("?", 1)[0]
            if "://" in path:  # absolute-form request target
                path = "/" + path.split("://", 1)[1].partition("/")[2]
            segments = [unquote(s).replace("/", "%2F") for s in path.split("/")]
            environ["PATH_INFO"] = "/".join(segments).encode("utf-8").decode("latin-1")
        return self.app(environ, start_response)


def path_param(value: str) -> str:
    return value.replace("%2F", "/")
