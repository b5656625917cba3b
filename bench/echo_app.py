"""The ceiling for this stack: a Flask app that only echoes JSON, served by waitress
exactly as ``biteship-sandbox`` serves the sandbox (``create_server``, same threads).

    python bench/echo_app.py --port 4999 --threads 8

POST/PUT echo the JSON body back (parsed and re-encoded with orjson, like the
sandbox); any other method answers a small JSON object naming the path.
"""

from __future__ import annotations

import argparse

import orjson
from flask import Flask, Response, request

app = Flask(__name__)


@app.route("/", defaults={"path": ""}, methods=["GET", "POST", "PUT", "DELETE"])
@app.route("/<path:path>", methods=["GET", "POST", "PUT", "DELETE"])
def echo(path: str) -> Response:
    raw = request.get_data()
    body = orjson.loads(raw) if raw else {"success": True, "path": "/" + path}
    return Response(orjson.dumps(body), status=200, mimetype="application/json")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    from waitress.server import create_server

    create_server(app, host=args.host, port=args.port, threads=args.threads, ident="echo").run()


if __name__ == "__main__":
    main()
