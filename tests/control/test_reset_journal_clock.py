"""Health, reset, the request journal and the clock, used the way a CI suite would."""

from __future__ import annotations

import datetime as dt

import pytest
from support import KEY, OTHER_KEY, Api, assert_error

from sandbox import create_app

# --- health -------------------------------------------------------------------------------


def test_health_needs_no_key(client, conforms):
    response = client.get("/_sandbox/health")
    assert conforms(response, "sandbox_health") == {"success": True, "status": "ok"}
    assert response.status_code == 200


# --- reset ----------------------------------------------------------------------------------


def test_reset_removes_only_the_callers_data(api, conforms):
    bob = api.as_key(OTHER_KEY)
    mine = api.create_draft_id(reference_id="shop-1")
    order_id = api.confirm(api.ready_draft_id()).get_json()["id"]
    theirs = bob.create_draft_id(reference_id="shop-1")

    body = conforms(api.post("/_sandbox/reset"), "reset_sandbox")
    # 2 drafts + 1 order + 1 reference id + the account's sequence counter.
    assert body == {"success": True, "message": "Sandbox data of this key removed", "removed": 5}

    assert api.retrieve_draft(mine).status_code == 404
    assert api.retrieve_order(order_id).status_code == 404
    assert bob.retrieve_draft(theirs).status_code == 200
    # The reference id is free again for this key, still held for the other.
    assert api.create_draft(reference_id="shop-1").status_code == 201
    assert bob.create_draft(reference_id="shop-1").get_json()["code"] == 42211015


def test_reset_restarts_the_keys_ids(api):
    first = api.create_draft_id()
    api.create_draft_id()
    api.post("/_sandbox/reset", {"all": False})
    assert api.create_draft_id() == first


def test_reset_clears_arms_journal_and_clock(api):
    api.post("/_sandbox/scenarios/server-error/arm", {"count": 3})
    api.post("/_sandbox/clock", {"freeze": True, "set": "2020-01-01T00:00:00Z"})
    api.post("/_sandbox/reset")
    assert api.create_draft().status_code == 201
    assert api.post("/_sandbox/clock").get_json()["frozen"] is False
    assert [r["path"] for r in api.get("/_sandbox/requests").get_json()["requests"]] == ["/v1/draft_orders"]
    assert api.get("/_sandbox/requests").get_json()["requests"][0]["id"] == 1


def test_reset_all_without_an_admin_token_configured(api):
    bob = api.as_key(OTHER_KEY)
    theirs = bob.create_draft_id()
    body = api.post("/_sandbox/reset", {"all": True}).get_json()
    assert body["success"] is True and body["removed"] == 2  # bob's draft and counter
    assert body["message"] == "Sandbox data of every key removed"
    assert bob.retrieve_draft(theirs).status_code == 404


@pytest.fixture
def guarded():
    return Api(create_app({"DB": ":memory:", "SEED": 1, "ADMIN_TOKEN": "s3cret"}).test_client())


def test_reset_all_needs_the_admin_token_when_one_is_set(guarded, conforms):
    theirs = guarded.as_key(OTHER_KEY).create_draft_id()
    missing = guarded.post("/_sandbox/reset", {"all": True})
    assert_error(missing, 401, 40199205, "Resetting every key needs the X-Sandbox-Admin-Token header.")
    conforms(missing, "reset_sandbox")
    wrong = guarded.client.post(
        "/_sandbox/reset", json={"all": True}, headers={"authorization": KEY, "X-Sandbox-Admin-Token": "guess"}
    )
    assert_error(wrong, 403, 40399206, "X-Sandbox-Admin-Token does not match the sandbox's admin token.")
    conforms(wrong, "reset_sandbox")
    assert guarded.as_key(OTHER_KEY).retrieve_draft(theirs).status_code == 200
    right = guarded.client.post(
        "/_sandbox/reset", json={"all": True}, headers={"authorization": KEY, "X-Sandbox-Admin-Token": "s3cret"}
    )
    assert conforms(right, "reset_sandbox")["removed"] == 2
    assert guarded.as_key(OTHER_KEY).retrieve_draft(theirs).status_code == 404


def test_own_reset_never_needs_the_admin_token(guarded):
    guarded.create_draft_id()
    assert guarded.post("/_sandbox/reset").get_json()["removed"] == 2


def test_admin_token_from_the_environment(monkeypatch):
    monkeypatch.setenv("SANDBOX_ADMIN_TOKEN", "from-env")
    api = Api(create_app({"DB": ":memory:"}).test_client())
    assert api.post("/_sandbox/reset", {"all": True}).get_json()["code"] == 40199205


def test_reset_bad_body_and_no_key(api, client, conforms):
    response = api.post("/_sandbox/reset", {"all": "yes"})
    assert_error(response, 400, 40011001, "Bad request.")
    conforms(response, "reset_sandbox")
    response = client.post("/_sandbox/reset")
    assert_error(response, 401, 40101001, "Authorization failed")
    conforms(response, "reset_sandbox")


# --- journal --------------------------------------------------------------------------------


def test_journal_lists_the_keys_requests_newest_first(api, conforms):
    draft_id = api.create_draft_id(reference_id="r-1")
    api.retrieve_draft("nope")
    api.update_draft(draft_id, order_note="fragile")
    api.as_key(OTHER_KEY).create_draft()
    body = conforms(api.get("/_sandbox/requests"), "list_requests")
    entries = body["requests"]
    assert [(e["id"], e["method"], e["path"], e["status"], e["code"]) for e in entries] == [
        (3, "POST", f"/v1/draft_orders/{draft_id}", 200, 20011003),
        (2, "GET", "/v1/draft_orders/nope", 404, 40411007),
        (1, "POST", "/v1/draft_orders", 201, 20111002),
    ]
    assert entries[0]["request"] == {"order_note": "fragile"}
    assert entries[0]["response"]["id"] == draft_id and entries[0]["response"]["code"] == 20011003
    assert entries[1]["request"] is None
    assert entries[1]["response"] == {
        "success": False, "error": "Draft order with 'id=nope' is not found.", "code": 40411007,
    }  # fmt: skip
    assert entries[2]["request"]["reference_id"] == "r-1"
    assert entries[2]["response"]["id"] == draft_id
    assert all(e["scenario"] is None for e in entries)


def test_journal_filters(api, conforms):
    draft_id = api.create_draft_id()
    api.retrieve_draft(draft_id)
    api.rates(draft_id)
    api.retrieve_draft("missing")
    by_path = api.get(f"/_sandbox/requests?path=/v1/draft_orders/{draft_id}").get_json()["requests"]
    assert [e["path"] for e in by_path] == [f"/v1/draft_orders/{draft_id}/rates", f"/v1/draft_orders/{draft_id}"]
    by_status = api.get("/_sandbox/requests?status=404").get_json()["requests"]
    assert [e["path"] for e in by_status] == ["/v1/draft_orders/missing"]
    limited = api.get("/_sandbox/requests?limit=2").get_json()["requests"]
    assert [e["id"] for e in limited] == [4, 3]
    both = api.get("/_sandbox/requests?path=/v1/draft_orders&status=201").get_json()["requests"]
    assert [e["id"] for e in both] == [1]
    for query in ("status=abc", "limit=0", "limit=x"):
        response = api.get(f"/_sandbox/requests?{query}")
        assert_error(response, 400, 40011001, "Bad request.")
        conforms(response, "list_requests")


def test_journal_skips_control_calls_and_names_the_scenario(api):
    api.post("/_sandbox/clock", {})
    api.client.post(
        "/v1/draft_orders", json={}, headers={"authorization": KEY, "X-Sandbox-Scenario": "server-error"}
    )
    (entry,) = api.get("/_sandbox/requests").get_json()["requests"]
    assert (entry["status"], entry["code"], entry["scenario"]) == (500, 50099005, "server-error")


def test_journal_is_a_bounded_ring():
    api = Api(create_app({"DB": ":memory:", "JOURNAL_SIZE": 3}).test_client())
    for _ in range(5):
        api.retrieve_draft("x")
    assert [e["id"] for e in api.get("/_sandbox/requests").get_json()["requests"]] == [5, 4, 3]


# --- clock ----------------------------------------------------------------------------------


def test_frozen_clock_stamps_every_timestamp(api, conforms):
    body = conforms(api.post("/_sandbox/clock", {"freeze": True, "set": "2024-09-19T03:40:22.810Z"}), "set_clock")
    assert body == {"success": True, "now": "2024-09-19T03:40:22.810Z", "frozen": True}
    draft = api.create_draft(courier_company="sicepat", courier_type="reg").get_json()
    assert draft["created_at"] == draft["updated_at"] == draft["ready_at"] == "2024-09-19T03:40:22.810Z"
    assert draft["delivery"]["datetime"] == "2024-09-19T03:40:22.810Z"
    api.post("/_sandbox/clock", {"advance_seconds": 90.5})
    order = api.confirm(draft["id"]).get_json()
    assert order["courier"]["history"][0]["updated_at"] == "2024-09-19T10:41:53+07:00"
    assert order["delivery"]["datetime"] == "2024-09-19T10:40+07:00"
    assert api.retrieve_draft(draft["id"]).get_json()["confirmed_at"] == "2024-09-19T03:41:53.310Z"
    assert api.get("/_sandbox/requests?limit=1").get_json()["requests"][0]["at"] == "2024-09-19T03:41:53.310Z"


def test_clock_is_per_key(api):
    api.post("/_sandbox/clock", {"freeze": True, "set": "2001-01-01T00:00:00Z"})
    theirs = api.as_key(OTHER_KEY).create_draft().get_json()["created_at"]
    assert not theirs.startswith("2001")
    assert api.create_draft().get_json()["created_at"] == "2001-01-01T00:00:00.000Z"


def test_unfrozen_set_clock_runs_on(api):
    body = api.post("/_sandbox/clock", {"freeze": False, "set": "2030-05-06T07:08:09+07:00"}).get_json()
    assert body["frozen"] is False
    assert body["now"].startswith("2030-05-06T00:08:09.")
    created = dt.datetime.fromisoformat(api.create_draft().get_json()["created_at"].replace("Z", "+00:00"))
    assert dt.timedelta(0) <= created - dt.datetime(2030, 5, 6, 0, 8, 9, tzinfo=dt.timezone.utc) < dt.timedelta(seconds=5)


def test_freeze_then_unfreeze_continues_from_the_frozen_time(api):
    api.post("/_sandbox/clock", {"freeze": True, "set": "2030-01-01T00:00:00Z", "advance_seconds": 60})
    assert api.post("/_sandbox/clock", {}).get_json() == {
        "success": True, "now": "2030-01-01T00:01:00.000Z", "frozen": True,
    }  # fmt: skip
    body = api.post("/_sandbox/clock", {"freeze": False}).get_json()
    assert body["frozen"] is False and body["now"].startswith("2030-01-01T00:01:00")


def test_naive_time_is_utc_and_negative_advance_goes_back(api):
    api.post("/_sandbox/clock", {"freeze": True, "set": "2030-01-01T12:00:00"})
    assert api.post("/_sandbox/clock", {"advance_seconds": -3600}).get_json()["now"] == "2030-01-01T11:00:00.000Z"


@pytest.mark.parametrize(
    "body", [{"set": "yesterday"}, {"set": 5}, {"freeze": "yes"}, {"advance_seconds": "10"}, [1]]
)
def test_clock_bad_bodies(api, conforms, body):
    response = api.post("/_sandbox/clock", body)
    assert_error(response, 400, 40011001, "Bad request.")
    conforms(response, "set_clock")
