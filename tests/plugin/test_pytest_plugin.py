"""The ``biteship_sandbox`` pytest plugin, exercised the way a user's suite uses it:
``pytester`` writes a small test file that talks to the fixture over HTTP and runs it."""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from support import draft_payload

pytest_plugins = ["pytester"]

#: What a user's test module starts with: a tiny urllib client (no dependency on requests).
CLIENT = f'''
import json
import urllib.error
import urllib.request

import pytest

DRAFT = {draft_payload()!r}


def call(sb, method, path, body=None, key=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(sb.base_url + path, data=data, method=method)
    req.add_header("authorization", key or sb.api_key)
    req.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, json.load(exc)
'''


@pytest.fixture
def user_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    for name in ("API_KEY", "SEED", "DB", "FIXTURES", "URL"):
        monkeypatch.delenv(f"BITESHIP_SANDBOX_{name}", raising=False)
    return pytester


def _write(pytester: pytest.Pytester, body: str) -> None:
    pytester.makepyfile(test_user=CLIENT + body)


def _run(pytester: pytest.Pytester, autoload: bool = False) -> pytest.RunResult:
    """A separate pytest process, as a user's suite runs: an in-process run would re-import
    flask for every run (pytester restores sys.modules) and mix two copies of it.

    Unless ``autoload``, the plugin is loaded by name and other installed plugins are not
    (schemathesis and hypothesis add 1.5 s to each start); the entry point itself is
    checked by ``autoload`` runs here and by tests/packaging's throwaway project."""
    if autoload:
        return pytester.runpytest_subprocess("-p", "no:cacheprovider")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
        return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "sandbox.pytest_plugin")


def test_plugin_is_registered_through_the_pytest11_entry_point():
    entry_points = importlib.metadata.entry_points(group="pytest11")
    assert [ep.value for ep in entry_points if ep.name == "biteship_sandbox"] == ["sandbox.pytest_plugin"]


def test_fixture_is_a_real_server_started_once_and_reset_before_each_test(user_project):
    _write(user_project, '''
SEEN = []


def test_create(biteship_sandbox):
    assert biteship_sandbox.base_url.startswith("http://127.0.0.1:")
    assert biteship_sandbox.api_key == "biteship_test.pytest"
    status, draft = call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)
    assert (status, draft["status"]) == (201, "placed")
    assert call(biteship_sandbox, "GET", "/v1/draft_orders/" + draft["id"])[0] == 200
    SEEN.append((biteship_sandbox.base_url, draft["id"]))


def test_next_test_same_server_empty_store(biteship_sandbox):
    ((base_url, draft_id),) = SEEN
    assert biteship_sandbox.base_url == base_url
    status, body = call(biteship_sandbox, "GET", "/v1/draft_orders/" + draft_id)
    assert status == 404, body
''')
    _run(user_project, autoload=True).assert_outcomes(passed=2)


def test_reset_forgets_the_data_of_other_keys_too_when_served_in_process(user_project):
    _write(user_project, '''
SEEN = []


def test_other_key(biteship_sandbox):
    status, draft = call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT, key="biteship_test.someone-else")
    assert status == 201
    SEEN.append(draft["id"])


def test_gone(biteship_sandbox):
    status, _ = call(biteship_sandbox, "GET", "/v1/draft_orders/" + SEEN[0], key="biteship_test.someone-else")
    assert status == 404
''')
    _run(user_project).assert_outcomes(passed=2)


def test_seed_from_ini_makes_generated_ids_reproducible(user_project):
    _write(user_project, '''
import pathlib


def test_record_id(biteship_sandbox):
    status, draft = call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)
    pathlib.Path("ids.txt").open("a").write(draft["id"] + "\\n")
''')
    ids = []
    for seed in (11, 11, 12):
        user_project.makeini(f"[pytest]\nbiteship_sandbox_seed = {seed}\n")
        _run(user_project).assert_outcomes(passed=1)
    ids = (user_project.path / "ids.txt").read_text().split()
    assert ids[0] == ids[1] != ids[2]


def test_environment_wins_over_the_ini_file(user_project, monkeypatch):
    user_project.makeini("[pytest]\nbiteship_sandbox_api_key = biteship_test.from-ini\nbiteship_sandbox_db = from-ini.json\n")
    monkeypatch.setenv("BITESHIP_SANDBOX_API_KEY", "biteship_test.from-env")
    _write(user_project, '''
def test_key(biteship_sandbox):
    assert biteship_sandbox.api_key == "biteship_test.from-env"
    assert call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)[0] == 201
''')
    _run(user_project).assert_outcomes(passed=1)
    # The ini's db setting was used (no env override): the store journal is on disk.
    assert (user_project.path / "from-ini.json").stat().st_size > 0


def test_url_setting_uses_a_running_sandbox_and_starts_none(user_project, monkeypatch, biteship_sandbox_server):
    monkeypatch.setenv("BITESHIP_SANDBOX_URL", biteship_sandbox_server.base_url)
    monkeypatch.setenv("BITESHIP_SANDBOX_API_KEY", "biteship_test.external")
    _write(user_project, f'''
def test_external(biteship_sandbox):
    assert biteship_sandbox.app is None  # nothing served in-process
    assert biteship_sandbox.base_url == {biteship_sandbox_server.base_url!r}
    status, draft = call(biteship_sandbox, "POST", "/v1/draft_orders", dict(DRAFT, reference_id="external-1"))
    assert status == 201
    open("draft_id.txt", "w").write(draft["id"])
''')
    _run(user_project).assert_outcomes(passed=1)
    draft_id = (user_project.path / "draft_id.txt").read_text()
    status, draft = biteship_sandbox_server.call("GET", f"/v1/draft_orders/{draft_id}", api_key="biteship_test.external")
    assert (status, draft["reference_id"]) == (200, "external-1")


def test_control_errors_raise_with_the_sandbox_answer(user_project):
    _write(user_project, '''
from sandbox.pytest_plugin import SandboxControlError


def test_unknown_draft(biteship_sandbox):
    with pytest.raises(SandboxControlError) as exc:
        biteship_sandbox.force_draft_status("no-such-draft", "ready")
    assert exc.value.status == 404
    assert exc.value.body["success"] is False
''')
    _run(user_project).assert_outcomes(passed=1)


def test_plugin_costs_nothing_for_tests_that_do_not_ask_for_it(user_project):
    user_project.makepyfile(test_plain='''
import sys
import threading


def test_plain():
    assert "waitress" not in sys.modules and "flask" not in sys.modules
    assert not [t for t in threading.enumerate() if t.name == "biteship-sandbox"]
''')
    result = _run(user_project, autoload=True)
    result.assert_outcomes(passed=1)


def test_importing_the_plugin_imports_neither_flask_nor_waitress():
    probe = "import sys, sandbox.pytest_plugin; print(json.dumps(sorted(m for m in ('flask', 'waitress', 'werkzeug') if m in sys.modules)))"
    out = subprocess.run([sys.executable, "-c", "import json; " + probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_block(marker: str) -> str:
    text = README.read_text()
    section = text.split(f"<!-- {marker}:start -->", 1)[1].split(f"<!-- {marker}:end -->", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_pytest_quickstart_runs_as_written(user_project):
    pytest.importorskip("requests")
    user_project.makepyfile(test_quickstart=_readme_block("pytest-quickstart"))
    result = _run(user_project)
    result.assert_outcomes(passed=len(re.findall(r"^def test_", _readme_block("pytest-quickstart"), re.M)))


def test_readme_unknown_postal_code_fix_works_through_the_fixtures_setting(user_project):
    troubleshooting = README.read_text().split("## Troubleshooting", 1)[1].split("\n## ", 1)[0]
    area_yaml = textwrap.dedent(re.search(r"```yaml\n(.*?)```", troubleshooting, re.S).group(1))
    postal_code = yaml.safe_load(area_yaml)[0]["postal_code"]
    (user_project.path / "my-fixtures" / "areas").mkdir(parents=True)
    (user_project.path / "my-fixtures" / "areas" / "test-areas.yaml").write_text(area_yaml)
    _write(user_project, f'''
def test_made_up_postal_code(biteship_sandbox):
    status, draft = call(biteship_sandbox, "POST", "/v1/draft_orders", dict(DRAFT, destination_postal_code={postal_code}))
    assert status == 201, draft
''')
    _run(user_project).assert_outcomes(failed=1)
    user_project.makeini("[pytest]\nbiteship_sandbox_fixtures = my-fixtures\n")
    _run(user_project).assert_outcomes(passed=1)


def test_helpers_drive_the_control_plane(user_project):
    _write(user_project, '''
def test_force_draft_status(biteship_sandbox):
    status, draft = call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)
    assert biteship_sandbox.force_draft_status(draft["id"], "ready")["status"] == "ready"
    assert call(biteship_sandbox, "GET", "/v1/draft_orders/" + draft["id"])[1]["status"] == "ready"


def test_force_order_status(biteship_sandbox):
    _, draft = call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)
    biteship_sandbox.force_draft_status(draft["id"], "ready")
    status, order = call(biteship_sandbox, "POST", "/v1/draft_orders/" + draft["id"] + "/confirm")
    assert status == 200, order
    assert biteship_sandbox.force_order_status(order["id"], "allocated")["status"] == "allocated"
    assert call(biteship_sandbox, "GET", "/v1/orders/" + order["id"])[1]["status"] == "allocated"


def test_arm_plays_a_scenario_the_given_number_of_times(biteship_sandbox):
    assert "server-error" in [s["name"] for s in biteship_sandbox.scenarios()]
    armed = biteship_sandbox.arm("server-error", count=1, operation="create_draft_order")
    assert armed["armed"] == {"name": "server-error", "count": 1, "operation": "create_draft_order"}
    assert call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)[0] == 500
    assert call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)[0] == 201


def test_requests_reads_this_keys_journal(biteship_sandbox):
    call(biteship_sandbox, "GET", "/v1/draft_orders/nope")
    call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)
    call(biteship_sandbox, "GET", "/v1/draft_orders/elsewhere", key="biteship_test.other")
    assert [(e["path"], e["status"]) for e in biteship_sandbox.requests()] == [
        ("/v1/draft_orders", 201), ("/v1/draft_orders/nope", 404)]
    assert [e["path"] for e in biteship_sandbox.requests(status=404)] == ["/v1/draft_orders/nope"]
    assert len(biteship_sandbox.requests(path="/v1/draft_orders", limit=1)) == 1


def test_clock_sets_the_time_the_sandbox_stamps(biteship_sandbox):
    assert biteship_sandbox.clock(freeze=True, set="2030-01-02T03:04:05Z")["frozen"] is True
    biteship_sandbox.clock(advance_seconds=60)
    _, draft = call(biteship_sandbox, "POST", "/v1/draft_orders", DRAFT)
    assert draft["created_at"].startswith("2030-01-02T03:05:05")


def test_clock_is_back_to_real_time_after_the_reset(biteship_sandbox):
    assert biteship_sandbox.clock()["frozen"] is False
    assert not biteship_sandbox.clock()["now"].startswith("2030-")
''')
    _run(user_project).assert_outcomes(passed=6)
