"""The pricing model: the docs' example prices, fee rules and properties over random routes."""

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import PRICING_KEYS

from sandbox.couriers.pricing import (
    Place,
    _exact,
    billable_weight_kg,
    distance_km,
    proof_of_delivery_fee,
    quote,
    route_zone,
)
from sandbox.couriers.service import CourierCatalog

CATALOG = CourierCatalog.load(Path(__file__).resolve().parents[2] / "fixtures" / "couriers.yaml")

# (city, province, latitude, longitude): hand-made places, independent of the area dataset.
CITIES = [
    ("Jakarta Selatan", "DKI Jakarta", -6.2615, 106.8106),
    ("Jakarta Pusat", "DKI Jakarta", -6.1865, 106.8341),
    ("Jakarta Barat", "DKI Jakarta", -6.1674, 106.7637),
    ("Depok", "Jawa Barat", -6.4025, 106.7942),
    ("Bekasi", "Jawa Barat", -6.2383, 106.9756),
    ("Tangerang", "Banten", -6.1783, 106.6319),
    ("Bogor", "Jawa Barat", -6.5971, 106.8060),
    ("Bandung", "Jawa Barat", -6.9175, 107.6191),
    ("Cimahi", "Jawa Barat", -6.8722, 107.5425),
    ("Garut", "Jawa Barat", -7.2279, 107.9087),
    ("Surabaya", "Jawa Timur", -7.2575, 112.7521),
    ("Sidoarjo", "Jawa Timur", -7.4478, 112.7183),
    ("Semarang", "Jawa Tengah", -6.9667, 110.4167),
    ("Yogyakarta", "DI Yogyakarta", -7.7956, 110.3695),
    ("Sleman", "DI Yogyakarta", -7.7325, 110.4024),
    ("Denpasar", "Bali", -8.6705, 115.2126),
    ("Medan", "Sumatera Utara", 3.5952, 98.6722),
    ("Padang", "Sumatera Barat", -0.9471, 100.4172),
    ("Makassar", "Sulawesi Selatan", -5.1477, 119.4327),
    ("Balikpapan", "Kalimantan Timur", -1.2379, 116.8529),
    ("Jayapura", "Papua", -2.5337, 140.7181),
]


def place(city, *, coordinate=None, postal_code=10000):
    name, province, lat, lon = next(c for c in CITIES if c[0] == city)
    if coordinate is not None:
        lat, lon = coordinate
    return Place(lat, lon, coordinate is not None, name, province, postal_code)


def item(weight=200, *, value=165000, quantity=1, length=10, width=10, height=10):
    return {"name": "Black L", "value": value, "quantity": quantity, "weight": weight,
            "length": length, "width": width, "height": height}


def by_service(pricing):
    return {(e["courier_code"], e["courier_service_code"]): e for e in pricing}


# --- the docs' examples -------------------------------------------------------------------

# Draft rates example (GET /v1/draft_orders/:id/rates): 12430 Cilandak, Jakarta Selatan ->
# 10210 Tanah Abang, Jakarta Pusat; the draft carries one 200 g, 10x10x10 cm item (1 kg billable).
DRAFT_RATES_EXAMPLE = {
    ("grab", "instant"): {"price": 11000, "courier_service_name": "Instant",
                          "description": "Instant service for on demand needs.", "shipment_duration_range": "1 - 3",
                          "shipment_duration_unit": "hours", "service_type": "same_day", "shipping_type": "parcel",
                          "available_for_cash_on_delivery": False, "available_for_insurance": True},
    ("anteraja", "reg"): {"price": 10000, "courier_name": "AnterAja", "courier_service_name": "Reguler",
                          "description": "Regular shipment", "duration": "2 days", "shipment_duration_range": "2",
                          "available_for_cash_on_delivery": True, "available_for_insurance": True},
    ("sicepat", "reg"): {"price": 11500, "courier_name": "SiCepat", "courier_service_name": "Reguler",
                         "description": "Layanan reguler", "duration": "1 - 2 days",
                         "available_for_cash_on_delivery": True, "available_for_insurance": True},
    ("sap", "reg"): {"price": 8000, "courier_name": "SAP", "courier_service_name": "Regular Service",
                     "description": "Regular Service", "duration": "4 days",
                     "available_for_cash_on_delivery": True, "available_for_insurance": True},
    ("ninja", "standard"): {"price": 7777, "courier_name": "Ninja Express", "courier_service_name": "Reguler",
                            "description": "Layanan reguler", "duration": "2 - 3 days",
                            "available_for_cash_on_delivery": False, "available_for_insurance": True},
}
CILANDAK = (-6.2915, 106.7995)
TANAH_ABANG = (-6.2100, 106.8150)
PLAZA_SENAYAN = (-6.2256, 106.7990)  # the create example's origin_address
LEBAK_BULUS_MRT = (-6.2894, 106.7743)  # ... and its destination_address


@pytest.mark.parametrize(
    ("origin", "destination"),
    [
        (place("Jakarta Selatan", coordinate=CILANDAK, postal_code=12430),
         place("Jakarta Pusat", coordinate=TANAH_ABANG, postal_code=10210)),
        # the create example's route, 12440 -> 12950, both in Jakarta Selatan
        (place("Jakarta Selatan", coordinate=PLAZA_SENAYAN, postal_code=12440),
         place("Jakarta Selatan", coordinate=LEBAK_BULUS_MRT, postal_code=12950)),
    ],
    ids=["rates-example-route", "create-example-route"],
)
def test_the_draft_rates_example_prices_reproduce(origin, destination):
    """Jakarta is one tariff city, so both doc routes are intra-city; prices are calibrated on it."""
    offered = by_service(quote(CATALOG, origin, destination, [item()]))
    for key, expected in DRAFT_RATES_EXAMPLE.items():
        entry = offered[key]
        for field, value in expected.items():
            assert entry[field] == value, (key, field)
        assert entry["shipping_fee"] == expected["price"]


def test_without_coordinates_the_example_keeps_all_but_grab():
    origin = place("Jakarta Selatan", postal_code=12430)
    destination = place("Jakarta Pusat", postal_code=10210)
    offered = by_service(quote(CATALOG, origin, destination, [item()]))
    assert ("grab", "instant") not in offered
    for key, expected in DRAFT_RATES_EXAMPLE.items():
        if key != ("grab", "instant"):
            assert offered[key]["price"] == expected["price"]


def test_the_jnt_cargo_example_reproduces():
    """Rates docs: 20 kg, 60x40x40 cm, value 3,000,000, 40111 -> 60111: insurance 15000, price 265000."""
    bandung = Place(-6.9140, 107.6090, False, "Bandung", "Jawa Barat", 40111)
    surabaya = Place(-7.2575, 112.7521, False, "Surabaya", "Jawa Timur", 60111)
    goods = [item(20000, value=3000000, length=60, width=40, height=40)]
    entry = by_service(quote(CATALOG, bandung, surabaya, goods))[("jntcargo", "ft")]
    assert (entry["insurance_fee"], entry["price"]) == (15000, 265000)


@pytest.mark.parametrize(("value", "fee"), [(100000, 5000), (1000000, 5000), (2000000, 10000), (10000000, 50000)])
def test_jnt_cargo_insurance_follows_the_documented_table(value, fee):
    """max(0.5 % x declared value, 5000); courier_insurance is ignored."""
    jakarta = place("Jakarta Selatan")
    entry = by_service(quote(CATALOG, jakarta, jakarta, [item(value=value)], insurance=1))[("jntcargo", "ft")]
    assert entry["insurance_fee"] == fee


def test_jnt_cargo_is_left_out_when_the_goods_have_no_value():
    jakarta = place("Jakarta Selatan")
    offered = by_service(quote(CATALOG, jakarta, jakarta, [item(value=0)]))
    assert ("jntcargo", "ft") not in offered
    assert ("sicepat", "reg") in offered


def test_the_rates_docs_fee_examples():
    """Rates docs: COD 199,000 -> cash_on_delivery_fee 2000; insurance 199,000 -> sicepat insurance_fee 1000."""
    origin, destination = place("Jakarta Selatan", postal_code=12440), place("Jakarta Selatan", postal_code=12240)
    cod = by_service(quote(CATALOG, origin, destination, [item()], cash_on_delivery=199000))
    assert cod[("sicepat", "reg")]["cash_on_delivery_fee"] == 2000
    assert cod[("jne", "ctc")]["cash_on_delivery_fee"] == 2000
    assert cod[("jne", "ctc")]["shipping_fee"] == 9000  # the example's CTC shipping fee
    insured = by_service(quote(CATALOG, origin, destination, [item()], insurance=199000))
    assert insured[("sicepat", "reg")]["insurance_fee"] == 1000
    assert insured[("jne", "ctc")]["insurance_fee"] == 0  # CTC has no insurance


# --- shape --------------------------------------------------------------------------------


def test_entries_have_exactly_the_documented_keys():
    jakarta = place("Jakarta Selatan", coordinate=CILANDAK)
    pricing = quote(CATALOG, jakarta, place("Jakarta Pusat", coordinate=TANAH_ABANG), [item()],
                    insurance=100000, cash_on_delivery=100000, proof_of_delivery=True)
    for entry in pricing:
        assert sorted(entry) == sorted(PRICING_KEYS)
        assert entry["company"] == entry["courier_code"]
        assert entry["type"] == entry["courier_service_code"]
        assert entry["currency"] == "IDR"
        assert entry["tax_lines"] == []
        assert entry["shipping_fee_discount"] == entry["shipping_fee_surcharge"] == 0
        assert entry["duration"] == f"{entry['shipment_duration_range']} {entry['shipment_duration_unit']}"
        assert entry["price"] == entry["shipping_fee"] + entry["insurance_fee"] + entry["cash_on_delivery_fee"]
        assert all(isinstance(entry[k], int) for k in ("price", "shipping_fee", "insurance_fee", "cash_on_delivery_fee"))


def test_entries_come_in_catalog_order():
    jakarta = place("Jakarta Selatan", coordinate=CILANDAK)
    pricing = quote(CATALOG, jakarta, place("Jakarta Pusat", coordinate=TANAH_ABANG), [item()])
    order = [(s.courier_code, s.courier_service_code) for s in CATALOG.services()]
    keys = [(e["courier_code"], e["courier_service_code"]) for e in pricing]
    assert keys == sorted(keys, key=order.index)


# --- weight, distance and zones -------------------------------------------------------------


def test_distance_is_haversine_rounded_to_two_decimals():
    a, b = place("Jakarta Pusat"), place("Surabaya")
    assert distance_km(a, b) == distance_km(b, a) == 664.28
    assert distance_km(a, a) == 0.0


@pytest.mark.parametrize(
    ("origin", "destination", "zone"),
    [
        ("Jakarta Selatan", "Jakarta Pusat", "city"),  # DKI Jakarta is one tariff city
        ("Jakarta Selatan", "Depok", "metro"),
        ("Jakarta Barat", "Tangerang", "metro"),  # a metro area crosses provinces
        ("Bandung", "Garut", "province"),
        ("Bandung", "Surabaya", "island"),
        ("Jakarta Pusat", "Medan", "national"),
        ("Denpasar", "Jayapura", "national"),
    ],
)
def test_route_zones(origin, destination, zone):
    assert route_zone(CATALOG.geography, place(origin), place(destination)) == zone


def test_city_names_match_without_kota_or_kabupaten():
    a = Place(-6.59, 106.80, False, "Kota Bogor", "Jawa Barat", 16120)
    b = Place(-6.48, 106.85, False, "Kabupaten Bogor", "Jawa Barat", 16911)
    c = Place(-6.26, 106.81, False, "Jakarta Selatan", "DKI JAKARTA", 12430)
    assert route_zone(CATALOG.geography, a, b) == "city"
    assert route_zone(CATALOG.geography, a, c) == "metro"


@pytest.mark.parametrize(
    ("courier", "service", "grams", "kg"),
    [
        ("jne", "reg", 1300, 1),  # JNE's 0.3 kg tolerance
        ("jne", "reg", 1310, 2),
        ("sicepat", "reg", 1010, 2),
        ("sicepat", "reg", 1, 1),  # minimum 1 kg
        ("idexpress", "reg_half_kilo", 200, Fraction(1, 2)),
        ("idexpress", "reg_half_kilo", 700, 1),
        ("jne", "jtr", 2000, 10),  # freight minimum
    ],
)
def test_billable_weight(courier, service, grams, kg):
    assert billable_weight_kg(CATALOG.get(courier, service), [item(grams, length=0)]) == kg


def test_volumetric_weight_uses_the_courier_divisor():
    box = [item(1000, length=40, width=30, height=20, quantity=2)]  # 24000 cm3 each
    assert billable_weight_kg(CATALOG.get("sicepat", "reg"), box) == 8  # 2 x 24000/6000
    assert billable_weight_kg(CATALOG.get("sicepat", "gokil"), box) == 12  # 2 x 24000/4000, min 10


def test_instant_couriers_have_a_range_and_a_weight_limit():
    origin = place("Jakarta Selatan", coordinate=CILANDAK)
    far = place("Bogor", coordinate=(-6.70, 106.80))  # 45 km
    near = place("Jakarta Pusat", coordinate=TANAH_ABANG)
    assert ("gojek", "instant") not in by_service(quote(CATALOG, origin, far, [item()]))
    assert ("gojek", "instant") in by_service(quote(CATALOG, origin, near, [item()]))
    assert ("gojek", "instant") not in by_service(quote(CATALOG, origin, near, [item(25000)]))
    assert ("lalamove", "van") in by_service(quote(CATALOG, origin, near, [item(25000)]))


def test_metro_areas_can_be_overridden():
    origin, destination = place("Jakarta Selatan"), place("Depok")
    assert ("sicepat", "sds") in by_service(quote(CATALOG, origin, destination, [item()]))
    assert ("sicepat", "sds") not in by_service(quote(CATALOG, origin, destination, [item()], metro_areas={}))


def test_weight_and_flat_rates_never_fall_with_the_zone():
    for service in CATALOG.services():
        rates = [rate for _, rate in service.pricing.rates]
        assert rates == sorted(rates), service


# --- properties -----------------------------------------------------------------------------

cities = st.sampled_from([c[0] for c in CITIES])
jitter = st.floats(min_value=-0.05, max_value=0.05, allow_nan=False)


@st.composite
def places(draw):
    name, province, lat, lon = draw(st.sampled_from(CITIES))
    has_coordinate = draw(st.booleans())
    return Place(lat + draw(jitter), lon + draw(jitter), has_coordinate, name, province,
                 draw(st.integers(10000, 99999)))


items_st = st.lists(
    st.fixed_dictionaries({
        "name": st.just("thing"),
        "weight": st.integers(1, 60000),
        "quantity": st.integers(1, 5),
        "value": st.integers(0, 5_000_000),
        "length": st.integers(0, 100),
        "width": st.integers(0, 100),
        "height": st.integers(0, 100),
    }),
    min_size=1,
    max_size=3,
)


@given(places(), places(), items_st, st.integers(0, 50000), st.integers(1, 4))
def test_price_never_decreases_with_weight(origin, destination, goods, extra_grams, factor):
    heavier = [dict(goods[0], weight=goods[0]["weight"] * factor + extra_grams)] + goods[1:]
    light = by_service(quote(CATALOG, origin, destination, goods))
    heavy = by_service(quote(CATALOG, origin, destination, heavier))
    for key in light.keys() & heavy.keys():
        assert heavy[key]["price"] >= light[key]["price"], key


@given(cities, cities, items_st, st.floats(0, 30), st.floats(0, 30), st.booleans())
def test_price_never_decreases_with_distance(origin_city, destination_city, goods, t1, t2, coordinates):
    near_t, far_t = sorted((t1, t2))
    origin = place(origin_city, coordinate=(-6.2, 106.8)) if coordinates else place(origin_city)
    _, province, lat, lon = next(c for c in CITIES if c[0] == destination_city)

    def destination(t):  # moving east along the origin's parallel: distance grows with t
        return Place(origin.latitude, origin.longitude + t, coordinates, destination_city, province, 10000)

    near = by_service(quote(CATALOG, origin, destination(near_t), goods))
    far = by_service(quote(CATALOG, origin, destination(far_t), goods))
    for key in near.keys() & far.keys():
        assert far[key]["price"] >= near[key]["price"], key


@given(places(), places(), items_st)
def test_no_instant_courier_without_coordinates_on_both_sides(origin, destination, goods):
    for entry in quote(CATALOG, origin, destination, goods):
        if CATALOG.get(entry["courier_code"], entry["courier_service_code"]).instant:
            assert origin.has_coordinate and destination.has_coordinate


@given(places(), places(), items_st)
def test_same_day_parcel_services_stay_within_a_metro_area(origin, destination, goods):
    geography = CATALOG.geography
    for entry in quote(CATALOG, origin, destination, goods):
        service = CATALOG.get(entry["courier_code"], entry["courier_service_code"])
        if service.service_type == "same_day" and not service.instant:
            metro = geography.metro_area(origin.city_name)
            assert metro is not None and metro == geography.metro_area(destination.city_name)


@given(places(), places(), items_st, st.integers(0, 15_000_000), st.integers(0, 15_000_000), st.booleans())
def test_fees_appear_only_where_supported(origin, destination, goods, insured, cod, pod):
    plain = by_service(quote(CATALOG, origin, destination, goods))
    extras = by_service(quote(CATALOG, origin, destination, goods, insurance=insured, cash_on_delivery=cod,
                              proof_of_delivery=pod))
    assert plain.keys() == extras.keys()  # COD/POD/insurance never remove a courier
    for key, entry in extras.items():
        service = CATALOG.get(*key)
        if service.pricing.insurance_mandatory:
            assert entry["insurance_fee"] > 0
        else:
            assert (entry["insurance_fee"] > 0) == (service.available_for_insurance and insured > 0)
        assert (entry["cash_on_delivery_fee"] > 0) == (service.available_for_cash_on_delivery and cod > 0)
        pod_fee = proof_of_delivery_fee(service) if pod else 0
        assert entry["shipping_fee"] == plain[key]["shipping_fee"] + pod_fee
        assert pod_fee == 0 or service.available_for_proof_of_delivery


@settings(max_examples=25)
@given(places(), places(), items_st)
def test_quotes_are_deterministic(origin, destination, goods):
    assert quote(CATALOG, origin, destination, goods) == quote(CATALOG, origin, destination, goods)


def test_every_catalog_entry_is_offered_on_some_route():
    routes = [
        (place("Jakarta Selatan", coordinate=CILANDAK), place("Jakarta Pusat", coordinate=TANAH_ABANG)),
        (place("Jakarta Selatan"), place("Surabaya")),
    ]
    offered = set()
    for origin, destination in routes:
        offered |= by_service(quote(CATALOG, origin, destination, [item(1000)])).keys()
    assert offered == {(s.courier_code, s.courier_service_code) for s in CATALOG.services()}


def test_cached_number_parsing_keeps_booleans_apart_from_numbers():
    # _exact is cached; True == 1 in Python, so the cache must be typed.
    assert (_exact(1), _exact(True), _exact(1.0), _exact(0.3)) == (1, 0, 1, Fraction(3, 10))
    assert (_exact(True), _exact(1)) == (0, 1)
