"""GET /v1/couriers, through the HTTP API."""

from __future__ import annotations

from support import assert_error

COURIER_KEYS = [
    "available_collection_method", "available_for_cash_on_delivery", "available_for_proof_of_delivery",
    "available_for_instant_waybill_id", "courier_name", "courier_code", "courier_service_name",
    "courier_service_code", "tier", "description", "service_type", "shipping_type",
    "shipment_duration_range", "shipment_duration_unit",
]  # fmt: skip

# Fact sheet §7: every courier company Biteship lists, with a few of its service codes.
DOCUMENTED = {
    "gojek": {"instant", "same_day"}, "grab": {"instant", "same_day", "instant_car"},
    "deliveree": {"tronton_wing_box", "van", "economy"}, "jne": {"reg", "yes", "oke", "jtr"},
    "tiki": {"eko", "reg", "ons"}, "ninja": {"standard"}, "lion": {"reg_pack", "jago_pack"},
    "rara": {"instant"}, "sicepat": {"reg", "siunt", "best", "sds", "gokil"},
    "sentralcargo": {"land_electronic", "air_non_electronic"}, "jnt": {"ez"}, "jntcargo": {"ft"},
    "idexpress": {"reg", "idtruck"}, "rpx": {"sdp", "rgp"}, "jdl": {"reg"}, "wahana": {"deno", "normal"},
    "pos": {"reguler", "next_day", "kargo"}, "anteraja": {"reg", "same_day", "next_day"},
    "sap": {"reg", "ods", "cargo"}, "paxel": {"small", "paxel_big"}, "mrspeedy": {"instant_bike"},
    "borzo": {"instant_bike", "instant_car"}, "lalamove": {"motorcycle", "mpv", "truck"},
}  # fmt: skip


def couriers(api) -> list[dict]:
    response = api.get("/v1/couriers")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["couriers"]


def test_envelope_is_biteships(api):
    body = api.get("/v1/couriers").get_json()
    assert list(body) == ["success", "object", "couriers"]  # no code, no message
    assert (body["success"], body["object"]) == (True, "courier")


def test_every_entry_has_exactly_the_documented_fields(api):
    for entry in couriers(api):
        assert list(entry) == COURIER_KEYS, entry
        assert entry["available_collection_method"]
        assert set(entry["available_collection_method"]) <= {"pickup", "drop_off"}
        assert all(isinstance(entry[k], bool) for k in COURIER_KEYS[1:4])
        assert entry["tier"] in {"free", "essentials", "standard", "premium"}
        assert entry["service_type"] in {"same_day", "standard", "overnight", "instant"}
        assert entry["shipping_type"] in {"parcel", "freight"}
        assert entry["shipment_duration_unit"] in {"hours", "days"}
        assert entry["courier_name"] and entry["courier_service_name"]


def test_lists_the_whole_catalog_in_its_order(api, sandbox):
    listed = [(c["courier_code"], c["courier_service_code"]) for c in couriers(api)]
    assert listed == [(s.courier_code, s.courier_service_code) for s in sandbox.catalog.services()]
    assert len(listed) == len(set(listed))


def test_every_documented_courier_company_is_listed(api):
    listed: dict[str, set[str]] = {}
    for entry in couriers(api):
        listed.setdefault(entry["courier_code"], set()).add(entry["courier_service_code"])
    for company, services in DOCUMENTED.items():
        assert services <= listed.get(company, set()), company


def test_documented_rows(api):
    by_pair = {(c["courier_code"], c["courier_service_code"]): c for c in couriers(api)}
    assert by_pair[("wahana", "normal")]["available_collection_method"] == ["drop_off"]
    assert by_pair[("borzo", "instant_bike")]["service_type"] == "instant"
    assert by_pair[("jne", "jtr")]["shipping_type"] == "freight"
    assert by_pair[("jne", "reg")]["courier_name"] == "JNE"


def test_a_listed_pair_is_what_a_draft_accepts(api):
    """courier_code / courier_service_code are the draft's courier_company / courier_type."""
    entry = next(c for c in couriers(api) if (c["courier_code"], c["courier_service_code"]) == ("sicepat", "reg"))
    draft = api.create_draft(courier_company=entry["courier_code"], courier_type=entry["courier_service_code"])
    assert draft.status_code == 201
    assert draft.get_json()["status"] == "ready"


def test_a_key_is_required(client):
    assert_error(client.get("/v1/couriers"), 401, 40101001, "Authorization failed")
