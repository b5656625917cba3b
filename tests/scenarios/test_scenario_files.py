"""Every shipped scenario file loads, is listed, and every response it forces is one
openapi.yaml documents for that operation and status; bad files stop start-up."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from support import KEY, draft_payload

from sandbox import create_app, errors
from sandbox.scenarios import ScenarioFileError, forced_error, load, parse

SCENARIOS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "scenarios"
SPEC = yaml.safe_load((Path(__file__).resolve().parents[2] / "openapi.yaml").read_text(encoding="utf-8"))
SHIPPED = load([SCENARIOS_DIR], SPEC)
PAIRS = [(name, op) for name, s in sorted(SHIPPED.items()) for op in s.operations]

#: Every documented draft error code has a scenario (fact sheet §3.7), plus 429 and 500.
DRAFT_ERROR_CODES = {40011001, 40411007, 42211006, 42211008, 42211009, 42211010, 42211011, 42211012, 42211013, 42211015}


def test_every_file_is_loaded_and_listed(api, conforms):
    files = sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))
    assert sorted(SHIPPED) == files
    body = conforms(api.get("/_sandbox/scenarios"), "list_scenarios")
    assert [s["name"] for s in body["scenarios"]] == files
    for entry in body["scenarios"]:
        assert entry["description"] == SHIPPED[entry["name"]].description
        assert entry["operations"] == list(SHIPPED[entry["name"]].operations)


def test_the_shipped_set_covers_every_documented_draft_error_and_the_common_failures():
    codes = {s.error["code"] for s in SHIPPED.values() if s.error}
    assert DRAFT_ERROR_CODES | {50099005} <= codes
    assert any(s.rate_limit for s in SHIPPED.values())
    assert any(s.latency_ms >= 30_000 for s in SHIPPED.values())  # timeout-like
    assert any(s.times for s in SHIPPED.values())  # fail first N, then succeed
    assert any(s.rates == {"pricing": []} for s in SHIPPED.values())
    assert any(s.order and "status" in s.order for s in SHIPPED.values())


@pytest.mark.parametrize(("name", "operation"), [p for p in PAIRS if SHIPPED[p[0]].error])
def test_every_forced_error_body_is_documented(check_body, name, operation):
    scenario = SHIPPED[name]
    error = forced_error(scenario, {"id": "ef18275c-02a9-4887-a56b-f374edb96ec4"}, {}, None)
    check_body(error.body(), operation, error.status)


@pytest.mark.parametrize(("name", "operation"), [p for p in PAIRS if SHIPPED[p[0]].rate_limit])
def test_every_forced_rate_limit_body_is_documented(check_body, name, operation):
    check_body(errors.TooManyRequests().body(), operation, 429)


def _call(api, operation: str, headers: dict):
    """Call ``operation`` as a client would, on a fresh ready draft / confirmed order."""
    draft_id = api.ready_draft_id()
    order_id = api.confirm(api.ready_draft_id()).get_json()["id"]
    c, h = api.client, {"authorization": KEY, **headers}
    return {
        "create_draft_order": lambda: c.post("/v1/draft_orders", json=draft_payload(), headers=h),
        "retrieve_draft_order": lambda: c.get(f"/v1/draft_orders/{draft_id}", headers=h),
        "retrieve_draft_order_rates": lambda: c.get(f"/v1/draft_orders/{draft_id}/rates", headers=h),
        "update_draft_order": lambda: c.post(f"/v1/draft_orders/{draft_id}", json={"order_note": "x"}, headers=h),
        "delete_draft_order": lambda: c.delete(f"/v1/draft_orders/{draft_id}", headers=h),
        "confirm_draft_order": lambda: c.post(f"/v1/draft_orders/{draft_id}/confirm", headers=h),
        "retrieve_order": lambda: c.get(f"/v1/orders/{order_id}", headers=h),
        "retrieve_areas": lambda: c.get("/v1/maps/areas?countries=ID&input=12440&type=single", headers=h),
        "retrieve_couriers": lambda: c.get("/v1/couriers", headers=h),
    }[operation]()


@pytest.mark.parametrize(("name", "operation"), PAIRS)
def test_every_scenario_answers_each_of_its_operations_as_documented(api, sandbox, check_body, name, operation):
    slept = []
    sandbox.scenarios.sleep = slept.append
    response = _call(api, operation, {"X-Sandbox-Scenario": name})
    check_body(response.get_json(), operation, response.status_code)
    scenario = SHIPPED[name]
    if scenario.error:
        assert response.get_json()["code"] == scenario.error["code"]
    if scenario.rate_limit and not scenario.rate_limit.get("requests_per_second"):
        assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert slept == ([scenario.latency_ms / 1000] if scenario.latency_ms else [])
    (entry,) = api.get("/_sandbox/requests?limit=1").get_json()["requests"]
    assert entry["scenario"] == name


# --- start-up validation ---------------------------------------------------------------------

GOOD = {"name": "x", "description": "d", "operations": ["retrieve_draft_order"], "error": {"code": 40411007}}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"name": "Bad Name"}, "'name' must match"),
        ({"name": "y"}, "must equal the file name"),
        ({"description": ""}, "'description' is required"),
        ({"surprise": 1}, "unknown keys ['surprise']"),
        ({"operations": ["nope"]}, "operation 'nope' is not a public operation"),
        ({"operations": ["reset_sandbox"]}, "operation 'reset_sandbox' is not a public operation"),
        ({"operations": []}, "'operations' must be a non-empty list"),
        ({"error": {"code": 12345678}}, "error code 12345678 is not a SandboxError"),
        ({"error": {"code": 42211015}}, "retrieve_draft_order does not document error 42211015 (HTTP 422)"),
        ({"error": {"code": 40011001}}, "retrieve_draft_order does not document error 40011001 (HTTP 400)"),
        ({"error": {"status": 404}}, "'error' must be {code, message?, details?}"),
        ({"rate_limit": {}}, "'error' and 'rate_limit' exclude each other"),
        ({"times": 0}, "'times' must be a positive integer"),
        ({"latency_ms": -1}, "'latency_ms' must be a number"),
        ({"error": None, "rates": {"pricing": [{"price": 1}]}}, "'rates.pricing' may only be []"),
        ({"error": None, "rates": {"prices": {"sicepat": 1}}}, "'rates.prices' maps"),
        ({"error": None, "order": {"status": "lost"}}, "'order.status' must be one of"),
        ({"error": None, "draft": {"fields": {"id": "x"}}}, "'draft.fields' maps dotted field paths"),
        ({"error": None, "order": {"fields": {"nope.x": 1}}}, "'nope' is not a field of the order object"),
        ({"error": None}, "does nothing"),
    ],
)
def test_bad_files_are_refused_with_the_reason(tmp_path, change, problem):
    data = {**GOOD, **change}
    data = {k: v for k, v in data.items() if v is not None}
    with pytest.raises(ScenarioFileError) as caught:
        parse(tmp_path / "x.yaml", data, SPEC)
    assert problem in str(caught.value)
    assert str(tmp_path / "x.yaml") in str(caught.value)


def test_a_bad_file_in_a_user_folder_stops_start_up(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "broken.yaml").write_text("name: broken\ndescription: [unclosed\n")
    with pytest.raises(ScenarioFileError, match="broken.yaml: not valid YAML"):
        create_app({"DB": ":memory:", "EXTRA_FIXTURES": [str(tmp_path)]})


def test_a_user_folder_may_not_redefine_a_shipped_name(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "slow.yaml").write_text("name: slow\ndescription: mine\nlatency_ms: 1\n")
    with pytest.raises(ScenarioFileError, match="'slow' is already defined by"):
        create_app({"DB": ":memory:", "EXTRA_FIXTURES": [str(tmp_path)]})


def test_a_user_folder_adds_scenarios(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "my-404.yml").write_text(
        "name: my-404\ndescription: mine\noperations: [retrieve_draft_order]\n"
        "error:\n  code: 40411007\n  message: \"Draft order with 'id={id}' is gone.\"\n  details: {why: test}\n"
    )
    client = create_app({"DB": ":memory:", "EXTRA_FIXTURES": [str(tmp_path)]}).test_client()
    response = client.get("/v1/draft_orders/abc", headers={"authorization": KEY, "X-Sandbox-Scenario": "my-404"})
    assert response.status_code == 404
    assert response.get_json() == {
        "success": False, "error": "Draft order with 'id=abc' is gone.", "code": 40411007, "details": {"why": "test"},
    }  # fmt: skip


def test_the_cli_names_the_bad_file_and_exits_2(tmp_path):
    import subprocess
    import sys

    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "oops.yaml").write_text("name: oops\ndescription: d\nerror: {code: 42211015}\n")
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "--db", ":memory:", "--port", "0", "--fixtures", str(tmp_path)],
        capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"biteship-sandbox: scenario file {tmp_path / 'scenarios' / 'oops.yaml'}: "
        "confirm_draft_order does not document error 42211015 (HTTP 422) in openapi.yaml"
    )
