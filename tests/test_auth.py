"""The ``authorization`` header: four accepted forms, and 401 with a reason otherwise."""

from __future__ import annotations

import base64

import pytest
from support import KEY, OTHER_KEY, assert_error, draft_payload


def _basic(user: str, password: str = "") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize(
    "header",
    [KEY, f"Bearer {KEY}", f"bearer {KEY}", _basic(KEY), _basic("", KEY), f"  {KEY}  "],
    ids=["raw", "bearer", "bearer-lower", "basic-user", "basic-password", "padded"],
)
def test_every_documented_form_reaches_the_same_account(client, header):
    created = client.post("/v1/draft_orders", json=draft_payload(), headers={"authorization": header})
    assert created.status_code == 201
    # The same account: readable with the raw key.
    assert client.get(f"/v1/draft_orders/{created.get_json()['id']}", headers={"authorization": KEY}).status_code == 200


def test_missing_key(client):
    body = assert_error(client.get("/v1/draft_orders/x"), 401, 40101001, "Authorization failed")
    assert "Missing authorization header" in body["details"]


@pytest.mark.parametrize("header", ["", "Bearer ", "abc", "biteship_test.", "Bearer biteship_prod.x", "Basic !!!"])
def test_malformed_key(client, header):
    body = assert_error(
        client.get("/v1/draft_orders/x", headers={"authorization": header}), 401, 40101001, "Authorization failed"
    )
    assert body["details"]


@pytest.mark.parametrize("header", ["biteship_live.abc", "Bearer biteship_live.abc", _basic("biteship_live.abc")])
def test_live_key_is_never_accepted(client, header):
    body = assert_error(
        client.post("/v1/draft_orders", json=draft_payload(), headers={"authorization": header}),
        401,
        40101002,
        "No account found with associated key",
    )
    assert "biteship_live" in body["details"]


def test_auth_is_checked_before_the_body(client):
    # A bad body from an unauthenticated caller is still a 401.
    assert_error(client.post("/v1/draft_orders", data="{", content_type="application/json"), 401, 40101001, "Authorization failed")


def test_keys_are_separate_accounts(api):
    mine = api.create_draft().get_json()
    theirs = api.as_key(OTHER_KEY).create_draft().get_json()
    assert mine["user_id"] != theirs["user_id"]
