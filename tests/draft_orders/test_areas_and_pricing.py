"""Real Indonesian areas, couriers and prices, seen through the draft endpoints.

Everything goes through the HTTP API (in-process client): drafts between postal codes
across the country resolve to the real province and city; postal codes, area ids and
coordinates mix freely between origin and destination; rates obey the pricing model's
properties (Hypothesis); fees appear where the draft asks for them; generated values
repeat for the same seed. The pricing model itself is unit-tested in tests/couriers.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from support import KEY, Api, assert_error

from sandbox import create_app
from sandbox.couriers.pricing import Place, route_zone

# Official names (Kemendagri), checked against what the sandbox answers. Provinces use
# Biteship's legacy spellings (fixtures/README.md); city names compare without spaces,
# since official and common spellings differ there (Pematang Siantar / Pematangsiantar).
WELL_KNOWN = [
    # Sumatera
    (23111, "Nanggroe Aceh Darussalam (NAD)", "Banda Aceh"),
    (24351, "Nanggroe Aceh Darussalam (NAD)", "Lhokseumawe"),
    (20111, "Sumatera Utara", "Medan"),
    (21111, "Sumatera Utara", "Pematang Siantar"),
    (25111, "Sumatera Barat", "Padang"),
    (26111, "Sumatera Barat", "Bukittinggi"),
    (28111, "Riau", "Pekanbaru"),
    (29111, "Kepulauan Riau", "Tanjung Pinang"),
    (29432, "Kepulauan Riau", "Batam"),
    (36111, "Jambi", "Jambi"),
    (30111, "Sumatera Selatan", "Palembang"),
    (38221, "Bengkulu", "Bengkulu"),
    (35111, "Lampung", "Bandar Lampung"),
    (33111, "Bangka Belitung", "Pangkal Pinang"),
    # Jawa
    (10110, "DKI Jakarta", "Jakarta Pusat"),
    (12440, "DKI Jakarta", "Jakarta Selatan"),
    (11470, "DKI Jakarta", "Jakarta Barat"),
    (13220, "DKI Jakarta", "Jakarta Timur"),
    (14240, "DKI Jakarta", "Jakarta Utara"),
    (15111, "Banten", "Tangerang"),
    (42111, "Banten", "Serang"),
    (40111, "Jawa Barat", "Bandung"),
    (16111, "Jawa Barat", "Bogor"),
    (16424, "Jawa Barat", "Depok"),
    (17111, "Jawa Barat", "Bekasi"),
    (45111, "Jawa Barat", "Cirebon"),
    (50111, "Jawa Tengah", "Semarang"),
    (57111, "Jawa Tengah", "Surakarta"),
    (55111, "DI Yogyakarta", "Yogyakarta"),
    (55281, "DI Yogyakarta", "Sleman"),
    (60111, "Jawa Timur", "Surabaya"),
    (65111, "Jawa Timur", "Malang"),
    # Bali, Nusa Tenggara
    (80111, "Bali", "Denpasar"),
    (80361, "Bali", "Badung"),
    (83121, "Nusa Tenggara Barat (NTB)", "Mataram"),
    (85111, "Nusa Tenggara Timur (NTT)", "Kupang"),
    # Kalimantan
    (78111, "Kalimantan Barat", "Pontianak"),
    (73111, "Kalimantan Tengah", "Palangka Raya"),
    (70111, "Kalimantan Selatan", "Banjarmasin"),
    (75111, "Kalimantan Timur", "Samarinda"),
    (76111, "Kalimantan Timur", "Balikpapan"),
    (77111, "Kalimantan Utara", "Tarakan"),
    # Sulawesi
    (95111, "Sulawesi Utara", "Manado"),
    (96128, "Gorontalo", "Gorontalo"),
    (94111, "Sulawesi Tengah", "Palu"),
    (91511, "Sulawesi Barat", "Mamuju"),
    (90111, "Sulawesi Selatan", "Makassar"),
    (93111, "Sulawesi Tenggara", "Kendari"),
    # Maluku, Papua
    (97124, "Maluku", "Ambon"),
    (97711, "Maluku Utara", "Ternate"),
    (98311, "Papua Barat", "Manokwari"),
    (98412, "Papua Barat Daya", "Sorong"),
    (99111, "Papua", "Jayapura"),
    (98811, "Papua Tengah", "Nabire"),
    (99511, "Papua Pegunungan", "Jayawijaya"),
    (99611, "Papua Selatan", "Merauke"),
]

INSTANT = {"gojek", "grab", "deliveree", "rara", "paxel", "mrspeedy", "borzo", "lalamove"}

# Waybill formats of the couriers whose real format is known (fixtures/couriers.md).
REAL_WAYBILLS = {
    "jne": r"\d{16}",
    "sicepat": r"00\d{10}",
    "jnt": r"JP\d{10}",
    "anteraja": r"10\d{12}",
    "ninja": r"NVID\d{10}",
    "tiki": r"03\d{10}",
}

# Two points inside Jakarta (Cilandak and Tanah Abang), for instant couriers.
CILANDAK = {"latitude": -6.2898, "longitude": 106.7975}
TANAH_ABANG = {"latitude": -6.2087, "longitude": 106.8156}

PROPERTY_SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _city_key(name: str) -> str:
    return name.replace(" ", "").lower()


def _haversine_km(a: dict, b: dict) -> float:
    p1, p2 = math.radians(a["latitude"]), math.radians(b["latitude"])
    dp, dl = p2 - p1, math.radians(b["longitude"] - a["longitude"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def _item(weight: int, value: int = 165000, **dims) -> dict:
    return {"name": "Parcel", "value": value, "quantity": 1, "weight": weight, **dims}


def _by_service(pricing: list[dict]) -> dict[tuple[str, str], dict]:
    return {(p["courier_code"], p["courier_service_code"]): p for p in pricing}


def _rates(api: Api, **overrides) -> dict:
    draft_id = api.create_draft_id(**overrides)
    response = api.rates(draft_id)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# --- one app for the property tests (Hypothesis runs many examples per test) -----------

_APP = None


def _shared() -> tuple[Api, object]:
    global _APP
    if _APP is None:
        _APP = create_app({"DB": ":memory:", "SEED": 1})
    return Api(_APP.test_client(), KEY), _APP.extensions["sandbox"]


def _postal_codes() -> list[int]:
    _, sandbox = _shared()
    return sorted({a.postal_code for a in sandbox.areas})


postal_codes = st.sampled_from(WELL_KNOWN).map(lambda row: row[0]) | st.builds(
    lambda i: _postal_codes()[i % len(_postal_codes())], st.integers(0, 20_000)
)
weights = st.integers(1, 40_000)  # grams
dimensions = st.fixed_dictionaries({"length": st.integers(0, 80), "width": st.integers(0, 80), "height": st.integers(0, 80)})


def _centroid(postal_code: int) -> dict:
    _, sandbox = _shared()
    area = sandbox.areas.by_postal_code(postal_code)
    return {"latitude": area.latitude, "longitude": area.longitude}


# --- the real province and city of postal codes across the country ---------------------


def test_well_known_list_covers_every_province():
    assert len({province for _, province, _ in WELL_KNOWN}) == 38
    assert len(WELL_KNOWN) >= 40


def test_drafts_between_postal_codes_across_the_country(api):
    """Each code is an origin once and a destination once; both sides come back real."""
    for n, (origin_code, origin_province, origin_city) in enumerate(WELL_KNOWN):
        destination_code, destination_province, destination_city = WELL_KNOWN[(n + 7) % len(WELL_KNOWN)]
        draft_id = api.create_draft_id(origin_postal_code=origin_code, destination_postal_code=destination_code)
        draft = api.retrieve_draft(draft_id).get_json()
        for side, code, province, city in (
            ("origin", origin_code, origin_province, origin_city),
            ("destination", destination_code, destination_province, destination_city),
        ):
            got = draft[side]
            assert got["postal_code"] == code
            assert got["province_name"] == province, (code, got)
            assert _city_key(got["city_name"]) == _city_key(city), (code, got)
            assert got["area_id"].endswith(f"IDZ{code}")
            assert got["district_name"]
        rates = api.rates(draft_id).get_json()
        assert rates["origin"]["administrative_division_level_1_name"] == origin_province
        assert rates["destination"]["administrative_division_level_2_name"] == draft["destination"]["city_name"]
        assert rates["destination"]["administrative_division_level_3_name"] == draft["destination"]["district_name"]
        assert rates["pricing"], (origin_code, destination_code)  # every pair of cities can be shipped
        assert draft["delivery"]["distance"] > 0


def test_an_unregistered_postal_code_is_refused(api):
    assert_error(api.create_draft(destination_postal_code=10000), 422, 42211013, "Postal code '10000' is not registered.")


# --- postal codes, area ids and coordinates, mixed -------------------------------------

SIDE_INPUTS = ("postal_code", "area_id", "coordinate")


@pytest.mark.parametrize("destination_kind", SIDE_INPUTS)
@pytest.mark.parametrize("origin_kind", SIDE_INPUTS)
def test_inputs_mix_freely_between_origin_and_destination(api, sandbox, origin_kind, destination_kind):
    origin_area = sandbox.areas.by_postal_code(60111)  # Surabaya
    destination_area = sandbox.areas.with_postal_code(97791)[-1]  # Maluku, a non-primary area

    def side(prefix: str, kind: str, area) -> dict:
        fields = {f"{prefix}_postal_code": ...}
        if kind == "postal_code":
            fields[f"{prefix}_postal_code"] = area.postal_code
        elif kind == "area_id":
            fields[f"{prefix}_area_id"] = area.id.replace("IDZ", "IDNZ")  # the draft docs' spelling
        else:
            fields[f"{prefix}_coordinate"] = {"latitude": area.latitude, "longitude": area.longitude}
        return fields

    response = api.create_draft(
        **side("origin", origin_kind, origin_area), **side("destination", destination_kind, destination_area)
    )
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    expected = {}
    for name, kind, area in (("origin", origin_kind, origin_area), ("destination", destination_kind, destination_area)):
        # A bare postal code resolves to its primary area; an id or a coordinate to that area.
        expected[name] = sandbox.areas.by_postal_code(area.postal_code) if kind == "postal_code" else area
        got, want = draft[name], expected[name]
        assert (got["area_id"], got["province_name"], got["city_name"], got["district_name"], got["postal_code"]) == (
            want.id, want.province_name, want.city_name, want.district_name, want.postal_code,
        )  # fmt: skip
    points = [{"latitude": expected[n].latitude, "longitude": expected[n].longitude} for n in ("origin", "destination")]
    assert draft["delivery"]["distance"] == pytest.approx(_haversine_km(*points), abs=0.011)


def test_an_area_id_wins_over_a_postal_code_on_the_same_side(api, sandbox):
    bogor = sandbox.areas.get("IDNP9IDNC74IDND6752IDZ16320")
    draft = api.create_draft(destination_postal_code=12950, destination_area_id=bogor.id).get_json()
    assert (draft["destination"]["area_id"], draft["destination"]["city_name"]) == (bogor.id, "Bogor")


def test_a_coordinate_next_to_a_postal_code_only_moves_the_point(api):
    """The postal code names the area; the coordinate is the point used for distance."""
    plain = api.create_draft(destination_postal_code=12950).get_json()
    far_point = {"latitude": -6.0, "longitude": 107.5}
    moved = api.create_draft(destination_postal_code=12950, destination_coordinate=far_point).get_json()
    assert moved["destination"]["area_id"] == plain["destination"]["area_id"]
    assert moved["destination"]["coordinate"] == far_point
    assert moved["delivery"]["distance"] > plain["delivery"]["distance"]


def test_an_unknown_area_id_is_refused(api):
    response = api.create_draft(destination_postal_code=..., destination_area_id="IDNP6IDNC148IDND99999IDZ12250")
    body = assert_error(response, 400, 40011001, "Bad request.")
    assert "destination_area_id" in body["details"]


# --- delivery.distance ------------------------------------------------------------------


def test_delivery_distance_is_the_great_circle_between_the_two_points(api):
    draft = api.create_draft(origin_coordinate=CILANDAK, destination_coordinate=TANAH_ABANG).get_json()
    assert draft["delivery"]["distance"] == round(_haversine_km(CILANDAK, TANAH_ABANG), 2)
    assert draft["delivery"]["distance_unit"] == "kilometer"


def test_delivery_distance_between_islands(api):
    draft = api.create_draft(origin_postal_code=10110, destination_postal_code=99111).get_json()
    assert 3500 < draft["delivery"]["distance"] < 4000  # Jakarta to Jayapura: about 3,700 km


# --- properties through the draft rates endpoint ----------------------------------------


@PROPERTY_SETTINGS
@given(postal_codes, postal_codes, weights, st.integers(1, 30_000), dimensions, st.booleans())
def test_price_never_decreases_with_weight(origin, destination, grams, extra, dims, coordinates):
    api, sandbox = _shared()
    points = {"origin_coordinate": _centroid(origin), "destination_coordinate": _centroid(destination)}
    common = {"origin_postal_code": origin, "destination_postal_code": destination, **(points if coordinates else {})}
    light = _by_service(_rates(api, items=[_item(grams, **dims)], **common)["pricing"])
    heavy = _by_service(_rates(api, items=[_item(grams + extra, **dims)], **common)["pricing"])
    assert light  # some courier serves every route
    for key, entry in light.items():
        if key not in heavy:  # only a capacity limit takes a service away from heavier goods
            assert sandbox.catalog.get(*key).pricing.max_weight_kg is not None, key
            continue
        assert heavy[key]["price"] >= entry["price"], key
        assert heavy[key]["shipping_fee"] >= entry["shipping_fee"], key


@PROPERTY_SETTINGS
@given(postal_codes, postal_codes, weights, st.floats(0, 4), st.floats(0, 4))
def test_price_never_decreases_with_distance_between_the_same_areas(origin, destination, grams, t1, t2):
    """Same two areas, the destination point moved east along the origin's parallel."""
    api, _ = _shared()
    near_t, far_t = sorted((t1, t2))
    start = _centroid(origin)

    def rates(t):
        point = {"latitude": start["latitude"], "longitude": start["longitude"] + t}
        return _rates(api, items=[_item(grams)], origin_postal_code=origin, origin_coordinate=start,
                      destination_postal_code=destination, destination_coordinate=point)

    near, far = rates(near_t), rates(far_t)
    near_pricing, far_pricing = _by_service(near["pricing"]), _by_service(far["pricing"])
    for key in near_pricing.keys() & far_pricing.keys():
        assert far_pricing[key]["price"] >= near_pricing[key]["price"], key
    # Only a range limit takes a service away from a longer trip.
    assert {k[0] for k in near_pricing.keys() - far_pricing.keys()} <= INSTANT


@PROPERTY_SETTINGS
@given(postal_codes, postal_codes, postal_codes, weights)
def test_price_never_decreases_with_distance_within_a_zone(origin, first, second, grams):
    """Two destinations in the same tariff zone of the origin: the farther one never costs less."""
    api, sandbox = _shared()

    def place(code):
        area = sandbox.areas.by_postal_code(code)
        return Place(area.latitude, area.longitude, False, area.city_name, area.province_name, code)

    geography = sandbox.catalog.geography
    assume(route_zone(geography, place(origin), place(first)) == route_zone(geography, place(origin), place(second)))
    routes = []
    for destination in (first, second):
        draft_id = api.create_draft_id(items=[_item(grams)], origin_postal_code=origin, destination_postal_code=destination)
        distance = api.retrieve_draft(draft_id).get_json()["delivery"]["distance"]
        routes.append((distance, _by_service(api.rates(draft_id).get_json()["pricing"])))
    (_, near), (_, far) = sorted(routes, key=lambda r: r[0])
    assert near.keys() == far.keys()  # without coordinates, the zone alone decides who serves
    for key in near:
        assert far[key]["price"] >= near[key]["price"], key


@PROPERTY_SETTINGS
@given(postal_codes, postal_codes, st.sampled_from(["origin", "destination", None]))
def test_no_instant_courier_without_coordinates_on_both_sides(origin, destination, coordinate_side):
    api, _ = _shared()
    overrides = {"origin_postal_code": origin, "destination_postal_code": destination}
    if coordinate_side:
        overrides[f"{coordinate_side}_coordinate"] = _centroid(origin if coordinate_side == "origin" else destination)
    pricing = _rates(api, **overrides)["pricing"]
    assert not {p["courier_code"] for p in pricing} & INSTANT


def test_instant_couriers_with_coordinates_on_both_sides(api):
    pricing = _rates(api, origin_coordinate=CILANDAK, destination_coordinate=TANAH_ABANG)["pricing"]
    assert {"gojek", "grab", "lalamove", "borzo", "paxel"} <= {p["courier_code"] for p in pricing}


# Routes that, together, are served by every catalog entry.
ROUTES = [
    {"origin_coordinate": CILANDAK, "destination_coordinate": TANAH_ABANG},  # instant, same day, city
    {"origin_postal_code": 12440, "destination_postal_code": 60111},  # Jakarta -> Surabaya
]


def test_every_catalog_entry_appears_in_rates_for_some_route(api, sandbox):
    offered = set()
    for route in ROUTES:
        offered |= _by_service(_rates(api, items=[_item(1000)], **route)["pricing"]).keys()
    assert offered == {(s.courier_code, s.courier_service_code) for s in sandbox.catalog.services()}


# --- fees in the rates body ---------------------------------------------------------------


def test_insurance_cod_and_pod_fees_appear_where_the_draft_asks_for_them(api, sandbox):
    route = {"origin_coordinate": CILANDAK, "destination_coordinate": TANAH_ABANG}
    plain = _by_service(_rates(api, **route)["pricing"])
    extras = _by_service(
        _rates(
            api,
            courier_insurance=1_000_000,
            destination_cash_on_delivery=250_000,
            destination_cash_on_delivery_type="7_days",
            destination_proof_of_delivery=True,
            destination_proof_of_delivery_note="Photo at the door",
            **route,
        )["pricing"]
    )
    assert plain.keys() == extras.keys()  # fees never take a courier away
    seen = {"insurance": 0, "cod": 0, "pod": 0}
    for key, entry in extras.items():
        service = sandbox.catalog.get(*key)
        base = plain[key]
        assert (base["insurance_fee"], base["cash_on_delivery_fee"]) == (0, 0) or service.pricing.insurance_mandatory
        assert (entry["insurance_fee"] > 0) == (service.available_for_insurance or service.pricing.insurance_mandatory)
        assert (entry["cash_on_delivery_fee"] > 0) == service.available_for_cash_on_delivery
        pod = entry["shipping_fee"] - base["shipping_fee"]
        assert (pod > 0) == service.available_for_proof_of_delivery, key
        assert entry["price"] == entry["shipping_fee"] + entry["insurance_fee"] + entry["cash_on_delivery_fee"]
        seen["insurance"] += entry["insurance_fee"] > 0
        seen["cod"] += entry["cash_on_delivery_fee"] > 0
        seen["pod"] += pod > 0
    assert all(seen.values()), seen


def test_the_draft_shows_the_fees_of_its_courier(api):
    draft = api.create_draft(
        courier_company="sicepat", courier_type="reg", courier_insurance=199_000,
        destination_cash_on_delivery=199_000, destination_cash_on_delivery_type="7_days",
    ).get_json()  # fmt: skip
    entry = _by_service(api.rates(draft["id"]).get_json()["pricing"])[("sicepat", "reg")]
    assert entry["insurance_fee"] == 1000 and entry["cash_on_delivery_fee"] == 2000  # Rates docs' example
    assert draft["courier"]["insurance"]["fee"] == entry["insurance_fee"]
    assert draft["price"] == entry["price"]


def test_cod_on_a_courier_without_cod_is_refused(api, sandbox):
    service = next(s for s in sandbox.catalog.services() if not s.available_for_cash_on_delivery and not s.instant
                   and s.service_type == "standard" and s.shipping_type == "parcel")
    response = api.create_draft(
        courier_company=service.courier_code, courier_type=service.courier_service_code,
        destination_cash_on_delivery=100_000, destination_cash_on_delivery_type="7_days",
    )  # fmt: skip
    assert_error(response, 422, 42211012,
                 f"Cash on delivery for '{service.courier_code}' is not available for this account.")


# --- generated values: same seed, same values -------------------------------------------


def _confirm_one_per_company(seed: int) -> dict[str, dict]:
    """For each courier company, confirm a draft with its first offered service."""
    app = create_app({"DB": ":memory:", "SEED": seed})
    api = Api(app.test_client(), KEY)
    chosen: dict[str, tuple[dict, str]] = {}
    for route in ROUTES:
        for entry in _rates(api, items=[_item(1000)], **route)["pricing"]:
            chosen.setdefault(entry["courier_code"], (route, entry["courier_service_code"]))
    out = {}
    for company, (route, service) in sorted(chosen.items()):
        draft = api.create_draft(items=[_item(1000)], courier_company=company, courier_type=service, **route)
        assert draft.status_code == 201, draft.get_json()
        order = api.confirm(draft.get_json()["id"]).get_json()
        courier = order["courier"]
        out[company] = {
            "service": service,
            "draft_id": draft.get_json()["id"],
            "invoice_id": draft.get_json()["invoice_id"],
            "order_id": order["id"],
            "waybill_id": courier["waybill_id"],
            "tracking_id": courier["tracking_id"],
            "driver_name": courier["driver_name"],
            "driver_phone": courier["driver_phone"],
            "driver_plate_number": courier["driver_plate_number"],
        }
    return out


@pytest.fixture(scope="module")
def confirmed_seed_11():
    return _confirm_one_per_company(11)


def test_generated_values_repeat_for_the_same_seed(confirmed_seed_11):
    assert _confirm_one_per_company(11) == confirmed_seed_11


def test_generated_values_change_with_the_seed(confirmed_seed_11):
    other = _confirm_one_per_company(12)
    assert other.keys() == confirmed_seed_11.keys()
    for company, values in confirmed_seed_11.items():
        assert other[company]["waybill_id"] != values["waybill_id"], company
        assert other[company]["order_id"] != values["order_id"], company


def test_waybills_follow_each_couriers_format(confirmed_seed_11, sandbox):
    assert len(confirmed_seed_11) == len(sandbox.catalog.companies())  # every company confirmed once
    for company, values in confirmed_seed_11.items():
        pattern = sandbox.catalog.get(company, values["service"]).waybill_pattern
        regex = re.escape(pattern).replace("\\#", "#").replace("\\?", "?").replace("#", r"\d").replace("?", "[A-Z]")
        assert re.fullmatch(regex, values["waybill_id"]), (company, values["waybill_id"])
        if company in REAL_WAYBILLS:
            assert re.fullmatch(REAL_WAYBILLS[company], values["waybill_id"]), (company, values["waybill_id"])
    waybills = [v["waybill_id"] for v in confirmed_seed_11.values()]
    assert len(set(waybills)) == len(waybills)


def test_ids_have_their_documented_shapes(confirmed_seed_11):
    for company, values in confirmed_seed_11.items():
        assert re.fullmatch(r"[0-9a-f]{24}", values["order_id"]), company
        assert re.fullmatch(r"[0-9a-f]{24}", values["tracking_id"]), company
        assert re.fullmatch(r"[1-9][0-9]{15}", values["invoice_id"]), company


def test_instant_couriers_get_a_driver_and_others_none(confirmed_seed_11):
    for company, values in confirmed_seed_11.items():
        driver = (values["driver_name"], values["driver_phone"], values["driver_plate_number"])
        if company in INSTANT:
            assert all(driver), company
            assert re.fullmatch(r"08\d{10}", values["driver_phone"])
            assert re.fullmatch(r"[A-Z]{1,2} \d{1,4} [A-Z]{1,3}", values["driver_plate_number"])
        else:
            assert driver == (None, None, None), company
