"""The Docker image, checked without a Docker engine: hadolint, the image's settings, and
its exact start command (final-stage ENV + CMD) served on the host and probed with its
own HEALTHCHECK command."""

from __future__ import annotations

import importlib.util
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from support import draft_payload

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


dockerfile = _load("dockerfile")
served = _load("served")
IMAGE = dockerfile.parse()


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert path, f"{name} is not installed: pip install -e '.[test]'"
    return path


def test_hadolint_accepts_the_dockerfile_at_its_strictest():
    result = subprocess.run(
        [_tool("hadolint"), "--failure-threshold", "info", "Dockerfile"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_base_image_is_an_official_slim_python_pinned_to_a_patch_release():
    assert re.fullmatch(r"python:3\.\d+\.\d+-slim-[a-z]+", IMAGE.base), IMAGE.base


def test_image_runs_as_a_non_root_user():
    assert IMAGE.user and IMAGE.user.split(":")[0] not in {"root", "0"}


def test_image_serves_the_readme_command_on_every_interface():
    readme = (ROOT / "README.md").read_text()
    first_command = re.search(r"```sh\n(.*?)\n```", readme, re.S).group(1)
    assert first_command.rsplit("&&", 1)[-1].strip() == " ".join(IMAGE.cmd) == "biteship-sandbox"
    assert IMAGE.env["SANDBOX_HOST"] == "0.0.0.0"
    assert IMAGE.expose == [IMAGE.env["SANDBOX_PORT"]] == ["4000"]


def test_store_file_lives_on_the_volume():
    assert IMAGE.volumes == ["/data"]
    assert IMAGE.env["SANDBOX_DB"].startswith("/data/")


def test_every_sandbox_variable_of_the_image_is_documented():
    readme = (ROOT / "README.md").read_text()
    settings = [k for k in IMAGE.env if k.startswith("SANDBOX_")]
    assert settings
    assert [k for k in settings if f"`{k}`" not in readme] == []


def test_compose_example_builds_this_image_and_keeps_its_store_on_a_volume():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    (service,) = compose["services"].values()
    assert service["build"] == "."
    assert f"{IMAGE.expose[0]}:{IMAGE.expose[0]}" in [str(p) for p in service["ports"]]
    volume, _, target = service["volumes"][0].partition(":")
    assert target == "/data" and volume in compose["volumes"]
    readme = (ROOT / "README.md").read_text()
    assert [k for k in service.get("environment", {}) if f"`{k}`" not in readme] == []


def test_the_image_start_command_serves_and_passes_its_healthcheck(tmp_path):
    """The image's exact ENV and CMD on the host. Two values differ, and only because there
    is no container: the port (4000 may be taken here) and the store (no /data volume)."""
    port = served.free_port()
    env = served.clean_env(**IMAGE.env)
    env.update(SANDBOX_PORT=str(port), SANDBOX_DB=str(tmp_path / "biteship-sandbox.json"))
    cmd = [_tool(IMAGE.cmd[0]), *IMAGE.cmd[1:]]
    healthcheck = [sys.executable if IMAGE.healthcheck[0] == "python" else IMAGE.healthcheck[0], *IMAGE.healthcheck[1:]]

    with served.serving(cmd, env, port, cwd=tmp_path):
        probe = subprocess.run(healthcheck, env=env, capture_output=True, text=True, timeout=30)
        assert probe.returncode == 0, probe.stderr
        status, body = served.request(f"http://127.0.0.1:{port}", "POST", "/v1/draft_orders", draft_payload())
        assert status == 201, body
    assert (tmp_path / "biteship-sandbox.json").stat().st_size > 0

    stopped = subprocess.run(healthcheck, env=env, capture_output=True, text=True, timeout=30)
    assert stopped.returncode != 0


@pytest.mark.parametrize("option", ["interval", "timeout", "start-period", "retries"])
def test_healthcheck_timing_is_explicit(option):
    assert option in IMAGE.healthcheck_options


def test_the_stop_signal_ends_the_start_command_cleanly(tmp_path):
    """``docker stop`` sends STOPSIGNAL to PID 1, which has no default SIGTERM handling."""
    port = served.free_port()
    env = served.clean_env(**IMAGE.env)
    env.update(SANDBOX_PORT=str(port), SANDBOX_DB=str(tmp_path / "biteship-sandbox.json"))
    with served.serving([_tool(IMAGE.cmd[0]), *IMAGE.cmd[1:]], env, port, cwd=tmp_path) as proc:
        proc.send_signal(getattr(signal, IMAGE.stopsignal))
        assert proc.wait(10) == 0
