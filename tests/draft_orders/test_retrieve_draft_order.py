"""GET /v1/draft_orders/{id}"""

from __future__ import annotations

from support import OTHER_KEY, assert_error


def test_retrieve_returns_the_created_draft(api):
    created = api.create_draft().get_json()
    response = api.retrieve_draft(created["id"])
    body = response.get_json()
    assert response.status_code == 200
    assert body["code"] == 20011004
    assert {**body, "code": created["code"]} == created


def test_retrieve_unknown_id(api):
    assert_error(
        api.retrieve_draft("ef18275c-02a9-4887-a56b-f374edb96ec4"),
        404,
        40411007,
        "Draft order with 'id=ef18275c-02a9-4887-a56b-f374edb96ec4' is not found.",
    )


def test_another_key_never_sees_the_draft(api):
    draft_id = api.create_draft_id()
    assert_error(
        api.as_key(OTHER_KEY).retrieve_draft(draft_id), 404, 40411007, f"Draft order with 'id={draft_id}' is not found."
    )


def test_a_confirmed_draft_can_still_be_retrieved(api):
    draft_id = api.ready_draft_id()
    order = api.confirm(draft_id).get_json()
    body = api.retrieve_draft(draft_id).get_json()
    assert body["status"] == "confirmed"
    assert body["order_id"] == order["id"]
    assert body["confirmed_at"] is not None
