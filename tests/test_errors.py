"""Bad input never crashes the sandbox: every failure is Biteship's JSON envelope."""

from __future__ import annotations

import pytest
from support import KEY, assert_error

H = {"authorization": KEY}


def test_unknown_route(client):
    body = assert_error(client.get("/v1/nope", headers=H), 404, 40499001, "Route GET /v1/nope is not found.")
    assert set(body) == {"success", "error", "code"}


def test_hyphenated_path_is_not_biteship(client):
    # n8n-nodes-biteship calls /v1/draft-orders, which the real API does not serve.
    assert_error(client.post("/v1/draft-orders", json={}, headers=H), 404, 40499001, "Route POST /v1/draft-orders is not found.")


@pytest.mark.parametrize("method", ["PUT", "PATCH", "OPTIONS"])
def test_wrong_method(client, method):
    response = client.open("/v1/draft_orders/abc", method=method, headers=H)
    assert_error(response, 405, 40599002, f"Method {method} is not allowed on /v1/draft_orders/abc.")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST", "DELETE"}


def test_malformed_json(client):
    body = assert_error(
        client.post("/v1/draft_orders", data='{"origin_contact_name": ', content_type="application/json", headers=H),
        400,
        40011001,
        "Bad request.",
    )
    assert "Malformed JSON" in body["details"]["body"][0]


@pytest.mark.parametrize("raw", ["", "   ", "NaN", "[1, 2]", '"text"', "1e400", '{"items": [{"value": Infinity}]}'])
def test_bodies_that_are_not_a_json_object(client, raw):
    response = client.post("/v1/draft_orders", data=raw, content_type="application/json", headers=H)
    assert_error(response, 400, 40011001, "Bad request.")


def test_invalid_utf8(client):
    response = client.post("/v1/draft_orders", data=b'{"a": "\xff"}', content_type="application/json", headers=H)
    assert_error(response, 400, 40011001, "Bad request.")


def test_wrong_content_type(client):
    response = client.post("/v1/draft_orders", data="origin_contact_name=Amir", content_type="application/x-www-form-urlencoded", headers=H)
    assert_error(response, 415, 41599004, "Request body must be sent as application/json.")


def test_json_with_charset_is_json(client):
    response = client.post("/v1/draft_orders", data="{}", content_type="application/json; charset=utf-8", headers=H)
    assert_error(response, 400, 40011001, "Bad request.")  # parsed, then refused for its content


def test_oversized_body(client):
    huge = '{"origin_note": "' + "x" * (1024 * 1024) + '"}'
    response = client.post("/v1/draft_orders", data=huge, content_type="application/json", headers=H)
    assert_error(response, 413, 41399003, "Request body is larger than 1048576 bytes.")


def test_encoded_slash_stays_in_the_id(client):
    # /v1/draft_orders/x%2Fconfirm is the update route for id "x/confirm", never confirm of "x".
    response = client.post("/v1/draft_orders/x%2Fconfirm", json={"origin_note": "n"}, headers=H)
    assert_error(response, 404, 40411007, "Draft order with 'id=x/confirm' is not found.")
    response = client.get("/v1/draft_orders/a%2Fb%2Frates", headers=H)
    assert_error(response, 404, 40411007, "Draft order with 'id=a/b/rates' is not found.")


def test_unexpected_exception_is_a_json_500_without_a_trace(client, monkeypatch):
    from sandbox.draft_orders import service

    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(service, "retrieve_draft_order", boom)
    response = client.get("/v1/draft_orders/abc", headers=H)
    body = assert_error(response, 500, 50099005, "Internal server error.")
    assert "secret" not in response.get_data(as_text=True)
    assert set(body) == {"success", "error", "code"}


def test_a_failed_write_leaves_nothing_behind(api, sandbox, monkeypatch):
    """An exception inside a transaction discards every buffered write."""
    before = sandbox.store.count("draft_orders")

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(sandbox.store, "_journal", fail)
    assert_error(api.create_draft(reference_id="r1"), 500, 50099005, "Internal server error.")
    monkeypatch.undo()
    assert sandbox.store.count("draft_orders") == before
    assert api.create_draft(reference_id="r1").status_code == 201  # the reference was not reserved
