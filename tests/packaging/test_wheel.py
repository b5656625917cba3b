"""``python -m build`` makes an sdist and a wheel that carry the data; the wheel, installed in
a fresh venv, serves from outside the repo, and its pytest plugin works in a throwaway project.

One build and one venv for the module (about 20-40 s, most of it installing the
dependencies into the venv)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tarfile
import textwrap
import zipfile
from pathlib import Path

import pytest
from support import draft_payload

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"packaging_{name}", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


served = _load("served")


def _run(cmd: list, cwd: Path, timeout: float = 300, **kw) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout, **kw)
    assert result.returncode == 0, f"{cmd}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def _shipped_data() -> list[str]:
    """Every data file the package needs, as its path under sandbox/_data/."""
    files = ["openapi.yaml"]
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts:
            files.append(path.relative_to(ROOT).as_posix())
    return files


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # sdist first, then the wheel built from the unpacked sdist: both must carry the data.
    _run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=ROOT)
    return out


@pytest.fixture(scope="module")
def venv(dist, tmp_path_factory) -> Path:
    """A fresh venv outside the repo with the wheel (and pytest, for the plugin) installed."""
    home = tmp_path_factory.mktemp("user")
    _run([sys.executable, "-m", "venv", home / "venv"], cwd=home)
    (wheel,) = dist.glob("*.whl")
    _run([home / "venv" / "bin" / "python", "-m", "pip", "install", "-q", wheel, "pytest"], cwd=home,
         env=served.clean_env(PIP_DISABLE_PIP_VERSION_CHECK="1"))
    return home / "venv"


def test_sdist_carries_the_data_and_the_build_hook(dist):
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}
    missing = {"setup.py", "MANIFEST.in", "pyproject.toml", *_shipped_data()} - names
    assert missing == set()


def test_wheel_carries_the_data_as_package_data(dist):
    (wheel,) = dist.glob("*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        entry_points = next(zf.read(n).decode() for n in names if n.endswith(".dist-info/entry_points.txt"))
    data = {n.removeprefix("sandbox/_data/") for n in names if n.startswith("sandbox/_data/")}
    assert data == set(_shipped_data())
    assert "biteship-sandbox = sandbox.__main__:main" in entry_points
    assert "biteship_sandbox = sandbox.pytest_plugin" in entry_points
    assert not any(n.startswith(("tests/", "fixtures/")) or n == "openapi.yaml" for n in names)


def test_installed_package_reads_its_own_data_not_the_repo(venv):
    probe = "import sandbox.config as c; print(c.DEFAULTS['SPEC_PATH']); print(c.DEFAULTS['FIXTURES_DIR'])"
    out = _run([venv / "bin" / "python", "-c", probe], cwd=venv.parent, env=served.clean_env()).stdout.split()
    assert all(Path(p).is_relative_to(venv) and Path(p).exists() for p in out), out


def test_installed_command_serves_outside_the_repo(venv, tmp_path):
    port = served.free_port()
    db = tmp_path / "store.json"
    cmd = [str(venv / "bin" / "biteship-sandbox"), "--port", str(port), "--db", str(db)]
    with served.serving(cmd, served.clean_env(), port, cwd=tmp_path):
        base = f"http://127.0.0.1:{port}"
        status, draft = served.request(base, "POST", "/v1/draft_orders", draft_payload())
        assert status == 201, draft
        status, rates = served.request(base, "GET", f"/v1/draft_orders/{draft['id']}/rates")
        assert status == 200 and rates["pricing"], rates
        status, health = served.request(base, "GET", "/_sandbox/health")
        assert (status, health) == (200, {"success": True, "status": "ok"})
    assert db.stat().st_size > 0


USER_TESTS = '''
import json
import urllib.error
import urllib.request

import pytest

SEEN = []


def call(sb, method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(sb.base_url + path, data=data, method=method,
                                 headers={**sb.headers, "content-type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return json.load(resp)


def test_create_a_draft(biteship_sandbox):
    draft = call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)
    assert draft["status"] == "placed"
    SEEN.append((biteship_sandbox.base_url, draft["id"]))


def test_each_test_starts_empty_on_the_same_server(biteship_sandbox):
    ((base_url, draft_id),) = SEEN
    assert biteship_sandbox.base_url == base_url
    with pytest.raises(urllib.error.HTTPError) as exc:
        call(biteship_sandbox, "GET", "/v1/draft_orders/" + draft_id)
    assert exc.value.code == 404
'''


def test_plugin_works_in_a_throwaway_project(venv, tmp_path):
    project = tmp_path / "shop"
    project.mkdir()
    (project / "test_shipping.py").write_text(f"DRAFT = {draft_payload()!r}\n" + textwrap.dedent(USER_TESTS))
    result = _run([venv / "bin" / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=project,
                  env=served.clean_env(), timeout=120)
    assert "2 passed" in result.stdout, result.stdout
