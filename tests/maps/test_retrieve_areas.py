"""GET /v1/maps/areas?countries=ID&input=...&type=single, through the HTTP API."""

from __future__ import annotations

import random
from urllib.parse import urlencode

import pytest
from support import OTHER_KEY, assert_error

AREA_KEYS = [
    "id", "name", "country_name", "country_code",
    "administrative_division_level_1_name", "administrative_division_level_1_type",
    "administrative_division_level_2_name", "administrative_division_level_2_type",
    "administrative_division_level_3_name", "administrative_division_level_3_type",
    "postal_code",
]  # fmt: skip

INPUT_INVALID = "Parameter 'input' is required: 1 to 200 characters of free text."
COUNTRY_INVALID = "Parameter 'countries' is required and must be 'ID': only Indonesian areas exist."
TYPE_INVALID = "Parameter 'type' must be 'single'."


def search(api, text=None, **params):
    query = {"countries": "ID", "type": "single", **params}
    if text is not None:
        query["input"] = text
    return api.get("/v1/maps/areas?" + urlencode({k: v for k, v in query.items() if v is not None}))


def found(api, text, **params) -> list[dict]:
    response = search(api, text, **params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["areas"]


def test_the_docs_example_area(api):
    response = search(api, "12250")
    body = response.get_json()
    assert response.status_code == 200
    assert body == {
        "success": True,
        "areas": [
            {
                "id": "IDNP6IDNC148IDND843IDZ12250",
                "name": "Pesanggrahan, Jakarta Selatan, DKI Jakarta. 12250",
                "country_name": "Indonesia",
                "country_code": "ID",
                "administrative_division_level_1_name": "DKI Jakarta",
                "administrative_division_level_1_type": "province",
                "administrative_division_level_2_name": "Jakarta Selatan",
                "administrative_division_level_2_type": "city",
                "administrative_division_level_3_name": "Pesanggrahan",
                "administrative_division_level_3_type": "district",
                "postal_code": 12250,
            }
        ],
    }
    assert list(body["areas"][0]) == AREA_KEYS  # docs' key order; no code, no object, no level 4


def test_type_defaults_to_single(api):
    assert found(api, "12250", type=None) == found(api, "12250")


def test_search_by_district_name_lists_its_postal_codes(api):
    areas = found(api, "Cilandak")
    cilandak = [a for a in areas if a["administrative_division_level_3_name"] == "Cilandak"]
    assert areas[: len(cilandak)] == cilandak  # the district itself ranks first
    assert {a["postal_code"] for a in cilandak} >= {12410, 12430}
    assert "IDNP6IDNC148IDND836IDZ12410" in {a["id"] for a in cilandak}  # docs example id


def test_a_pasted_area_name_finds_that_area(api):
    name = "Coblong, Bandung, Jawa Barat. 40132"
    areas = found(api, name)
    assert areas[0]["name"] == name
    assert areas[0]["id"] == "IDNP9IDNC22IDND2043IDZ40132"  # a real Biteship id (fact sheet §9)


def test_search_is_case_insensitive_and_ands_words(api):
    assert found(api, "PESANGGRAHAN jakarta") == found(api, "pesanggrahan Jakarta")
    assert all("Jakarta" in a["name"] for a in found(api, "pesanggrahan jakarta"))
    assert found(api, "pesanggrahan surabaya") == []


def test_the_administrative_kind_in_the_input_is_understood(api):
    # Users type "Kota Bandung"; area names say "Bandung, Jawa Barat". The city's areas
    # come first, before districts elsewhere that are called Bandung.
    areas = found(api, "Kota Bandung")
    assert [a["administrative_division_level_2_name"] for a in areas[:20]] == ["Bandung"] * 20
    assert {a["administrative_division_level_1_name"] for a in areas[:20]} == {"Jawa Barat"}
    assert found(api, "Kecamatan Coblong") == found(api, "coblong")
    assert found(api, "Kab. Bogor")[0]["administrative_division_level_2_name"] == "Bogor"


def test_place_names_holding_a_kind_word_are_still_found_as_typed(api):
    assert found(api, "kota baru")[0]["administrative_division_level_3_name"] == "Kota Baru"
    assert found(api, "kota zzzz") == []


def test_no_match_is_an_empty_list(api):
    response = search(api, "zzzzqqq")
    assert response.status_code == 200
    assert response.get_json() == {"success": True, "areas": []}


def test_at_most_fifty_areas_best_first(api):
    areas = found(api, "jawa")
    assert len(areas) == 50
    assert len({a["id"] for a in areas}) == 50


def test_a_sample_of_postal_codes_finds_every_area_of_the_code(api, sandbox):
    """All 11,580 areas are checked at service level (tests/maps/test_area_index.py)."""
    codes = sorted({a.postal_code for a in sandbox.areas})
    for code in random.Random(3).sample(codes, 300):
        expected = [a.id for a in sandbox.areas.with_postal_code(code)]
        areas = found(api, str(code))
        assert [a["id"] for a in areas[: len(expected)]] == expected, code  # primary first
        assert all(a["postal_code"] == code for a in areas[: len(expected)])


def test_search_result_round_trips_through_a_draft(api, sandbox):
    """An id from the search, sent as an area id, comes back with the same names."""
    for code in random.Random(5).sample(sorted({a.postal_code for a in sandbox.areas}), 15):
        area = found(api, str(code))[-1]  # not always the primary one
        draft = api.retrieve_draft(
            api.create_draft_id(destination_postal_code=..., destination_area_id=area["id"])
        ).get_json()
        destination = draft["destination"]
        assert destination["area_id"] == area["id"]
        assert (
            destination["province_name"], destination["city_name"], destination["district_name"],
            destination["postal_code"],
        ) == (
            area["administrative_division_level_1_name"], area["administrative_division_level_2_name"],
            area["administrative_division_level_3_name"], area["postal_code"],
        )  # fmt: skip


def test_every_key_sees_the_same_areas(api):
    assert found(api.as_key(OTHER_KEY), "Gambir") == found(api, "Gambir")


@pytest.mark.parametrize(
    ("params", "code", "message", "invalid"),
    [
        ({"countries": "ID"}, 40099101, INPUT_INVALID, {"input"}),
        ({"countries": "ID", "input": ""}, 40099101, INPUT_INVALID, {"input"}),
        ({"countries": "ID", "input": "a" * 201}, 40099101, INPUT_INVALID, {"input"}),
        ({"input": "Gambir"}, 40099102, COUNTRY_INVALID, {"countries"}),
        ({"countries": "MY", "input": "Gambir"}, 40099102, COUNTRY_INVALID, {"countries"}),
        ({"countries": "id", "input": "Gambir"}, 40099102, COUNTRY_INVALID, {"countries"}),
        ({"countries": "ID", "input": "Gambir", "type": "double"}, 40099103, TYPE_INVALID, {"type"}),
        ({"countries": "XX", "type": "double"}, 40099101, INPUT_INVALID, {"input", "countries", "type"}),
    ],
)
def test_bad_query_parameters(api, params, code, message, invalid):
    body = assert_error(api.get("/v1/maps/areas?" + urlencode(params)), 400, code, message)
    assert set(body["details"]) == invalid


def test_the_longest_input_is_accepted(api):
    assert search(api, "a" * 200).status_code == 200


def test_unknown_query_parameters_are_ignored(api):
    assert found(api, "12250", page=2) == found(api, "12250")


def test_a_key_is_required(client):
    assert_error(client.get("/v1/maps/areas?countries=ID&input=12250"), 401, 40101001, "Authorization failed")


def test_only_get_is_allowed(api):
    response = api.post("/v1/maps/areas?countries=ID&input=12250", {})
    assert_error(response, 405, 40599002, "Method POST is not allowed on /v1/maps/areas.")
    assert "GET" in response.headers["Allow"].split(", ")
