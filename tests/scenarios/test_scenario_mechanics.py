"""How scenarios act: fail-first, latency, rate limits, rates, forced statuses and
fields, and how the three selection mechanisms combine."""

from __future__ import annotations

import time

import pytest
from support import KEY, OTHER_KEY, Api, assert_error, draft_payload

from sandbox import create_app


def with_header(api, name):
    return {"authorization": api.key, "X-Sandbox-Scenario": name}


def create(api, headers=None, **overrides):
    return api.client.post("/v1/draft_orders", json=draft_payload(**overrides), headers=headers or api.headers())


# --- fail first N, then succeed -------------------------------------------------------------


def test_fail_first_by_header(api):
    statuses = [create(api, with_header(api, "flaky-server-error")).status_code for _ in range(4)]
    assert statuses == [500, 500, 201, 201]


def test_fail_first_by_reference_id_counts_per_reference(api):
    ref = "scenario:flaky-server-error:order-1"
    first = create(api, reference_id=ref)
    assert_error(first, 500, 50099005, "Internal server error.")
    assert create(api, reference_id=ref).status_code == 500
    created = create(api, reference_id=ref)
    assert created.status_code == 201 and created.get_json()["reference_id"] == ref
    # A new reference starts its own count.
    assert create(api, reference_id="scenario:flaky-server-error:order-2").status_code == 500


def test_arming_a_fail_first_scenario_defaults_to_its_times(api):
    body = api.post("/_sandbox/scenarios/flaky-server-error/arm").get_json()
    assert body["armed"] == {"name": "flaky-server-error", "count": 2, "operation": None}
    assert [api.retrieve_draft("x").status_code for _ in range(3)] == [500, 500, 404]


def test_an_armed_scenario_waits_for_a_matching_operation(api):
    api.post("/_sandbox/scenarios/draft-not-ready/arm")  # acts on confirm only
    draft_id = api.ready_draft_id()
    assert api.retrieve_draft(draft_id).status_code == 200
    assert_error(
        api.confirm(draft_id), 422, 42211008,
        f"Draft order with 'id={draft_id}' is not ready to be confirmed for it is on placed status.",
    )  # fmt: skip
    assert api.confirm(draft_id).status_code == 200


def test_arms_are_per_key_and_in_order(api):
    api.post("/_sandbox/scenarios/server-error/arm", {"count": 1})
    api.post("/_sandbox/scenarios/rate-limited/arm", {"count": 1})
    assert api.as_key(OTHER_KEY).create_draft().status_code == 201
    assert api.create_draft().status_code == 500
    assert api.create_draft().status_code == 429
    assert api.create_draft().status_code == 201


def test_arm_errors(api, conforms):
    response = api.post("/_sandbox/scenarios/no-such-thing/arm")
    assert_error(response, 404, 40499202, "Scenario 'no-such-thing' is not found.")
    conforms(response, "arm_scenario")
    response = api.post("/_sandbox/scenarios/draft-not-ready/arm", {"operation": "create_draft_order"})
    body = assert_error(response, 400, 40011001, "Bad request.")
    assert body["details"] == {"operation": ["Scenario 'draft-not-ready' acts only on ['confirm_draft_order']."]}
    conforms(response, "arm_scenario")
    for bad in ({"count": 0}, {"count": "2"}):
        response = api.post("/_sandbox/scenarios/slow/arm", bad)
        assert_error(response, 400, 40011001, "Bad request.")
    assert_error(api.client.post("/_sandbox/scenarios/slow/arm"), 401, 40101001, "Authorization failed")


# --- unknown names ----------------------------------------------------------------------------


def test_unknown_scenario_header_is_refused(api):
    response = create(api, with_header(api, "nope"))
    assert_error(response, 400, 40099201, "Scenario 'nope' is not defined: GET /_sandbox/scenarios lists them.")


def test_unknown_scenario_reference_is_refused_and_nothing_is_created(api, sandbox):
    response = create(api, reference_id="scenario:nope:1")
    assert_error(response, 400, 40099201, "Scenario 'nope' is not defined: GET /_sandbox/scenarios lists them.")
    assert sandbox.store.count("draft_orders") == 0


def test_a_plain_reference_is_no_scenario(api):
    assert create(api, reference_id="scenario").status_code == 201
    assert create(api, reference_id="my-scenario:slow").status_code == 201


def test_a_header_scenario_passes_operations_it_does_not_act_on(api):
    draft_id = api.create_draft_id()
    response = api.client.get(f"/v1/draft_orders/{draft_id}", headers=with_header(api, "reference-id-taken"))
    assert response.status_code == 200


def test_header_wins_over_the_sticky_reference(api):
    draft_id = api.ready_draft_id(reference_id="scenario:draft-not-ready:1")
    response = api.client.post(f"/v1/draft_orders/{draft_id}/confirm", headers=with_header(api, "server-error"))
    assert response.status_code == 500


# --- latency ----------------------------------------------------------------------------------


def test_latency_really_delays(tmp_path):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "brief.yaml").write_text("name: brief\ndescription: d\nlatency_ms: 250\n")
    api = Api(create_app({"DB": ":memory:", "EXTRA_FIXTURES": [str(tmp_path)]}).test_client())
    started = time.perf_counter()
    response = create(api, with_header(api, "brief"))
    elapsed = time.perf_counter() - started
    assert response.status_code == 201
    assert 0.25 <= elapsed < 2


def test_timeout_sleeps_35_seconds_then_answers(api, sandbox):
    slept = []
    sandbox.scenarios.sleep = slept.append
    response = create(api, with_header(api, "timeout"))
    assert response.status_code == 201
    assert slept == [35.0]


# --- rate limits --------------------------------------------------------------------------------


def test_rate_limited_answers_429_with_retry_after(api, conforms):
    response = api.client.get("/v1/draft_orders/x", headers=with_header(api, "rate-limited"))
    assert_error(response, 429, 42999006, "Too many requests.")
    assert response.headers["Retry-After"] == "1"
    conforms(response, "retrieve_draft_order")


@pytest.fixture
def now(sandbox):
    """The rate limiter's clock, moved by hand."""
    moment = [1000.0]
    sandbox.scenarios.monotonic = lambda: moment[0]
    return moment


def test_five_requests_per_second_then_429(api, now):
    api.post("/_sandbox/scenarios/rate-limit-5rps/arm", {"count": 7})
    responses = []
    for _ in range(7):
        responses.append(api.retrieve_draft("x"))
        now[0] += 0.1
    assert [r.status_code for r in responses] == [404] * 5 + [429, 429]
    # The oldest of the five calls leaves the window 0.5 s after the refusal: Retry-After 1.
    assert responses[5].headers["Retry-After"] == "1"
    assert "Retry-After" not in responses[4].headers
    assert api.retrieve_draft("x").status_code == 404  # the arm is used up


def test_rate_limit_window_is_per_key(api, now):
    for key in (KEY, OTHER_KEY):
        headers = {"authorization": key, "X-Sandbox-Scenario": "rate-limit-5rps"}
        assert [api.client.get("/v1/couriers", headers=headers).status_code for _ in range(6)] == [200] * 5 + [429]


def test_the_rate_limiter_recovers_after_a_second(api, now):
    headers = with_header(api, "rate-limit-5rps")
    for _ in range(5):
        assert api.client.get("/v1/couriers", headers=headers).status_code == 200
    now[0] += 0.999
    assert api.client.get("/v1/couriers", headers=headers).status_code == 429
    now[0] += 0.001
    assert api.client.get("/v1/couriers", headers=headers).status_code == 200


# --- rates ------------------------------------------------------------------------------------------


def test_rates_empty(api, conforms):
    draft_id = api.create_draft_id(reference_id="scenario:rates-empty:1")
    body = conforms(api.rates(draft_id), "retrieve_draft_order_rates")
    assert body["pricing"] == []
    body = assert_error(api.update_draft(draft_id, courier_company="sicepat", courier_type="reg"), 400, 40011001, "Bad request.")
    assert "courier_type" in body["details"]
    assert create(api, reference_id="scenario:rates-empty:2", courier_company="sicepat", courier_type="reg").status_code == 400


def test_rates_fixed_price_reaches_the_draft_and_the_order(api, conforms):
    draft_id = api.create_draft_id(reference_id="scenario:rates-fixed-price:1", courier_insurance=1000000)
    pricing = conforms(api.rates(draft_id), "retrieve_draft_order_rates")["pricing"]
    assert pricing and {p["price"] for p in pricing} == {10000}
    for p in pricing:
        assert p["shipping_fee"] + p["insurance_fee"] + p["cash_on_delivery_fee"] == p["price"]
    draft = api.update_draft(draft_id, courier_company="jne", courier_type="reg").get_json()
    assert draft["price"] == 10000
    assert api.confirm(draft_id).get_json()["price"] == 10000
    # Without the scenario the same route is priced normally.
    normal = api.ready_draft_id("jne", "reg", courier_insurance=1000000)
    assert api.retrieve_draft(normal).get_json()["price"] != 10000


# --- forced statuses and fields ----------------------------------------------------------------------


def test_order_delivered_walks_every_status(api, conforms):
    draft_id = api.ready_draft_id(reference_id="scenario:order-delivered:1")
    order = conforms(api.confirm(draft_id), "confirm_draft_order")
    assert order["status"] == "delivered"
    assert [h["status"] for h in order["courier"]["history"]] == [
        "confirmed", "allocated", "picking_up", "picked", "in_transit", "dropping_off", "delivered",
    ]  # fmt: skip
    assert order["courier"]["driver_name"]
    again = conforms(api.retrieve_order(order["id"]), "retrieve_order")
    assert again["courier"]["history"] == order["courier"]["history"]


def test_order_cancelled_when_read_and_left_alone_once_unreachable(api):
    order_id = api.confirm(api.ready_draft_id()).get_json()["id"]
    headers = with_header(api, "order-cancelled")
    assert api.client.get(f"/v1/orders/{order_id}", headers=headers).get_json()["status"] == "cancelled"
    other = api.confirm(api.ready_draft_id()).get_json()["id"]
    for status in ["allocated", "picking_up", "picked"]:
        api.post(f"/_sandbox/orders/{other}/status", {"status": status})
    # Cancelling is no longer allowed after pickup: the order stays as it is.
    assert api.client.get(f"/v1/orders/{other}", headers=headers).get_json()["status"] == "picked"


def test_draft_ready_on_create(api, conforms):
    body = conforms(create(api, with_header(api, "draft-ready")), "create_draft_order")
    assert body["status"] == "ready" and body["code"] == 20111002
    assert body["courier"]["company"] and body["price"] > 0
    assert api.retrieve_draft(body["id"]).get_json()["status"] == "ready"


def test_fixed_waybill_is_persisted(api, conforms):
    draft_id = api.ready_draft_id()
    order = conforms(
        api.client.post(f"/v1/draft_orders/{draft_id}/confirm", headers=with_header(api, "fixed-waybill")),
        "confirm_draft_order",
    )
    assert order["courier"]["waybill_id"] == "SANDBOX0000000001"
    assert order["courier"]["link"] == "https://track.biteship.com?waybill_id=SANDBOX0000000001"
    assert api.retrieve_order(order["id"]).get_json()["courier"]["waybill_id"] == "SANDBOX0000000001"


def test_sticky_reference_reaches_the_order(api):
    draft_id = api.ready_draft_id(reference_id="scenario:fixed-waybill:1")
    order_id = api.confirm(draft_id).get_json()["id"]
    assert api.retrieve_order(order_id).get_json()["courier"]["waybill_id"] == "SANDBOX0000000001"


def test_forced_error_does_not_touch_a_failing_request_body(api):
    # The scenario answers before the body is validated: a forced error wins over a 400.
    response = api.client.post("/v1/draft_orders", json={}, headers=with_header(api, "cod-amount-exceeded"))
    assert_error(response, 422, 42211011, "Cash on delivery amount cannot exceed Rp 15.000.000,-")


@pytest.mark.parametrize("name", ["server-error", "rate-limited"])
def test_control_plane_is_never_affected(api, name):
    api.post(f"/_sandbox/scenarios/{name}/arm", {"count": 5})
    assert api.get("/_sandbox/scenarios").status_code == 200
    assert api.client.get("/_sandbox/requests", headers=with_header(api, name)).status_code == 200


def test_forced_draft_fields_are_stored_and_valid(tmp_path, check_body):
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "tagged.yaml").write_text(
        "name: tagged\ndescription: d\noperations: [create_draft_order]\n"
        "draft:\n  fields:\n    metadata.source: sandbox\n    tags: [forced]\n"
    )
    api = Api(create_app({"DB": ":memory:", "EXTRA_FIXTURES": [str(tmp_path)]}).test_client())
    response = create(api, reference_id="scenario:tagged:1")
    body = response.get_json()
    check_body(body, "create_draft_order", response.status_code)
    assert (body["metadata"], body["tags"], body["reference_id"]) == ({"source": "sandbox"}, ["forced"], "scenario:tagged:1")
    stored = api.retrieve_draft(body["id"]).get_json()
    assert stored["metadata"] == {"source": "sandbox"} and stored["tags"] == ["forced"]


def test_a_sticky_reference_survives_a_restart(tmp_path):
    # Only keys known to hold a scenario: reference have their drafts read by the hook;
    # after a restart that knowledge comes from the stored reference index.
    from support import Api, draft_payload

    from sandbox import create_app

    db = str(tmp_path / "db.json")
    api = Api(create_app({"DB": db}).test_client())
    draft_id = api.post("/v1/draft_orders", draft_payload(reference_id="scenario:draft-not-found:7")).get_json()["id"]
    again = Api(create_app({"DB": db}).test_client())
    response = again.get(f"/v1/draft_orders/{draft_id}")
    assert (response.status_code, response.get_json()["code"]) == (404, 40411007)
    assert again.post("/v1/draft_orders", draft_payload()).status_code == 201  # other drafts unaffected
