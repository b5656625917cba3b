"""POST /v1/draft_orders/{id}"""

from __future__ import annotations

from support import DESTINATION_COORDINATE, ORIGIN_COORDINATE, OTHER_KEY, assert_error


def test_partial_update_changes_only_the_fields_sent(api, sandbox):
    before = api.create_draft().get_json()
    sandbox.clock.offset += __import__("datetime").timedelta(seconds=5)
    response = api.update_draft(before["id"], origin_note="Lobby B")
    after = response.get_json()
    assert response.status_code == 200
    assert after["code"] == 20011003
    assert after["origin"]["note"] == "Lobby B"
    assert after["updated_at"] > before["updated_at"]
    changed = {k for k in after if after[k] != before[k]}
    assert changed == {"code", "origin", "updated_at"}
    assert {k for k in after["origin"] if after["origin"][k] != before["origin"][k]} == {"note"}


def test_setting_a_courier_makes_the_draft_ready(api):
    draft_id = api.create_draft_id()
    body = api.update_draft(draft_id, courier_company="sicepat", courier_type="reg").get_json()
    assert body["status"] == "ready"
    assert body["ready_at"] is not None and body["placed_at"] is not None
    assert body["price"] == 11500


def test_changing_only_the_service_keeps_the_company(api):
    draft_id = api.ready_draft_id("sicepat", "reg")
    body = api.update_draft(draft_id, courier_type="best").get_json()
    assert (body["courier"]["company"], body["courier"]["type"], body["status"]) == ("sicepat", "best", "ready")


def test_half_a_pair_on_a_placed_draft_is_bad_request(api):
    draft_id = api.create_draft_id()
    assert_error(api.update_draft(draft_id, courier_company="sicepat"), 400, 40011001, "Bad request.")


def test_a_pair_the_rates_do_not_offer_is_bad_request(api):
    draft_id = api.create_draft_id()
    body = assert_error(api.update_draft(draft_id, courier_company="grab", courier_type="instant"), 400, 40011001, "Bad request.")
    assert "courier_type" in body["details"]
    assert api.retrieve_draft(draft_id).get_json()["status"] == "placed"


def test_instant_courier_moved_off_coordinates_falls_back_to_placed(api):
    draft_id = api.create_draft_id(
        origin_coordinate=ORIGIN_COORDINATE,
        destination_coordinate=DESTINATION_COORDINATE,
        courier_company="grab",
        courier_type="instant",
    )
    body = api.update_draft(draft_id, destination_postal_code=12950).get_json()
    assert body["status"] == "placed"
    assert body["courier"]["company"] is None and body["courier"]["type"] is None
    assert body["destination"]["coordinate"] == {"latitude": None, "longitude": None}
    assert body["price"] == 0


def test_regular_courier_survives_a_move_off_coordinates(api):
    draft_id = api.create_draft_id(destination_coordinate=DESTINATION_COORDINATE, courier_company="sicepat", courier_type="reg")
    body = api.update_draft(draft_id, destination_postal_code=12950).get_json()
    assert (body["status"], body["courier"]["company"]) == ("ready", "sicepat")


def test_updating_items_reprices(api):
    draft_id = api.ready_draft_id()
    heavy = [{"name": "Rice", "value": 100000, "quantity": 1, "weight": 5000}]
    body = api.update_draft(draft_id, items=heavy).get_json()
    assert body["price"] > 11500
    assert body["items"][0]["weight"] == 5000


def test_update_a_confirmed_draft(api):
    draft_id = api.ready_draft_id()
    api.confirm(draft_id)
    assert_error(api.update_draft(draft_id, origin_note="x"), 422, 42211006, f"Draft order with 'id={draft_id}' has been confirmed.")


def test_update_unknown_or_foreign_draft(api):
    draft_id = api.create_draft_id()
    assert_error(
        api.as_key(OTHER_KEY).update_draft(draft_id, origin_note="x"), 404, 40411007, f"Draft order with 'id={draft_id}' is not found."
    )
    assert api.retrieve_draft(draft_id).get_json()["origin"]["note"] == "Deket pintu masuk STC"


def test_update_to_a_taken_reference_id(api):
    api.create_draft(reference_id="taken")
    draft_id = api.create_draft_id(reference_id="mine")
    assert_error(api.update_draft(draft_id, reference_id="taken"), 422, 42211015, "Reference ID 'taken' is already taken.")
    # Re-sending its own reference_id is fine, and renaming frees the old one.
    assert api.update_draft(draft_id, reference_id="mine").status_code == 200
    assert api.update_draft(draft_id, reference_id="renamed").status_code == 200
    assert api.create_draft(reference_id="mine").status_code == 201


def test_update_rule_errors(api):
    draft_id = api.create_draft_id()
    assert_error(
        api.update_draft(draft_id, destination_cash_on_delivery_type="1_day"),
        422, 42211010, "'1_day' is not a valid cash on delivery type.",
    )  # fmt: skip
    assert_error(
        api.update_draft(draft_id, destination_cash_on_delivery=20_000_000),
        422, 42211011, "Cash on delivery amount cannot exceed Rp 15.000.000,-",
    )  # fmt: skip
    assert_error(api.update_draft(draft_id, origin_postal_code=10001), 422, 42211013, "Postal code '10001' is not registered.")
    ready = api.ready_draft_id("ninja", "standard")
    assert_error(
        api.update_draft(ready, destination_cash_on_delivery=50000),
        422, 42211012, "Cash on delivery for 'ninja' is not available for this account.",
    )  # fmt: skip


def test_update_cannot_null_a_required_field(api):
    draft_id = api.create_draft_id()
    body = assert_error(api.update_draft(draft_id, origin_contact_name=None), 400, 40011001, "Bad request.")
    assert "origin_contact_name" in body["details"]


def test_proof_of_delivery_note_is_optional_on_update(api):
    # The update page calls the note optional even with POD on (create requires it).
    draft_id = api.create_draft_id()
    body = api.update_draft(draft_id, destination_proof_of_delivery=True).get_json()
    assert body["destination"]["proof_of_delivery"]["use"] is True


def test_failed_update_changes_nothing(api):
    draft_id = api.create_draft_id()
    before = api.retrieve_draft(draft_id).get_json()
    api.update_draft(draft_id, origin_note="x", origin_postal_code=10001)
    assert api.retrieve_draft(draft_id).get_json() == before
