"""Read the image's runtime contract out of the Dockerfile: final-stage ENV, CMD, HEALTHCHECK.

There is no Docker engine on the project's machines, so tests and ``.ci/run`` run the
image's start command on the host with exactly these values, taken from the Dockerfile
itself so the two cannot drift apart.

    python tests/packaging/dockerfile.py env          # KEY=VALUE lines
    python tests/packaging/dockerfile.py cmd          # the CMD, shell-quoted
    python tests/packaging/dockerfile.py healthcheck  # the HEALTHCHECK command, shell-quoted
"""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

DOCKERFILE = Path(__file__).resolve().parents[2] / "Dockerfile"


@dataclass
class Image:
    base: str = ""
    env: dict[str, str] = field(default_factory=dict)
    cmd: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    healthcheck_options: dict[str, str] = field(default_factory=dict)
    expose: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    user: str = ""
    stopsignal: str = ""


def instructions(text: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` pairs, continuation lines joined, comments dropped."""
    result: list[tuple[str, str]] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, rest = line.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def _exec_form(arguments: str) -> list[str]:
    value = json.loads(arguments)
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ValueError(f"not an exec-form (JSON array) command: {arguments}")
    return value


def parse(path: Path = DOCKERFILE) -> Image:
    """The final stage's runtime settings (earlier stages only build)."""
    image = Image()
    for keyword, arguments in instructions(path.read_text()):
        if keyword == "FROM":
            image = Image(base=arguments.split()[0])
        elif keyword == "ENV":
            for pair in shlex.split(arguments):
                key, sep, value = pair.partition("=")
                if not sep:
                    raise ValueError(f"use ENV KEY=VALUE, not the legacy form: ENV {arguments}")
                image.env[key] = value
        elif keyword == "CMD":
            image.cmd = _exec_form(arguments)
        elif keyword == "HEALTHCHECK":
            options, _, command = arguments.partition("CMD ")
            image.healthcheck = _exec_form(command)
            image.healthcheck_options = dict(o.lstrip("-").split("=", 1) for o in options.split())
        elif keyword == "EXPOSE":
            image.expose.extend(arguments.split())
        elif keyword == "VOLUME":
            image.volumes.extend(json.loads(arguments) if arguments.startswith("[") else arguments.split())
        elif keyword == "USER":
            image.user = arguments
        elif keyword == "STOPSIGNAL":
            image.stopsignal = arguments
    return image


def main(argv: list[str]) -> int:
    image = parse()
    if argv == ["env"]:
        print("\n".join(f"{k}={v}" for k, v in image.env.items()))
    elif argv == ["cmd"]:
        print(shlex.join(image.cmd))
    elif argv == ["healthcheck"]:
        print(shlex.join(image.healthcheck))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
