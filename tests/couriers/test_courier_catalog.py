"""The courier catalog: coverage of Biteship's courier list, the /v1/couriers shape, validation."""

import re
from pathlib import Path

import pytest
import yaml
from faker import Faker

from sandbox.couriers.service import CatalogError, CourierCatalog

CATALOG_PATH = Path(__file__).resolve().parents[2] / "fixtures" / "couriers.yaml"
CATALOG = CourierCatalog.load(CATALOG_PATH)

# Fact sheet §7 (GET /v1/couriers), plus jne/ctc (rates example) and jntcargo/ft (Rates docs).
SECTION_7 = {
    "gojek": ["instant", "same_day"],
    "grab": ["instant", "same_day", "instant_car"],
    "deliveree": ["tronton_wing_box", "tronton_box", "fuso_heavy", "fuso_light", "cdd_box", "cdd_pickup",
                  "cde_frozen", "cde_flammable", "cde_chemical", "engkel_box", "engkel_pickup", "small_box",
                  "pickup", "van", "economy"],
    "jne": ["reg", "yes", "oke", "jtr", "jtr_150_250", "jtr_150", "jtr_250", "ctc"],
    "tiki": ["eko", "sds", "reg", "ons", "t15", "t25", "t60", "trc"],
    "ninja": ["standard"],
    "lion": ["reg_pack", "land_pack", "one_pack", "jago_pack", "docu_pack", "big_pack"],
    "rara": ["instant"],
    "sicepat": ["reg", "siunt", "best", "sds", "gokil"],
    "sentralcargo": ["land_electronic", "land_non_electronic", "air_electronic", "air_non_electronic"],
    "jnt": ["ez"],
    "jntcargo": ["ft"],
    "idexpress": ["reg_half_kilo", "reg", "smd", "idtruck"],
    "rpx": ["sdp", "mdp", "ndp", "rgp", "pas", "ecp", "hwp"],
    "jdl": ["reg"],
    "wahana": ["deno", "normal"],
    "pos": ["reguler", "same_day", "next_day", "kargo"],
    "anteraja": ["reg", "same_day", "next_day"],
    "sap": ["reg", "reg_half_kilo", "ods", "sds", "cargo"],
    "paxel": ["small", "medium", "large", "paxel_big"],
    "mrspeedy": ["instant_bike", "instant_car"],
    "borzo": ["instant_bike", "instant_car"],
    "lalamove": ["motorcycle", "mpv", "van", "truck", "cdd_bak", "cdd_box", "engkel_bak", "engkel_box"],
}
SECTION_7_PAIRS = [(c, s) for c, services in SECTION_7.items() for s in services]

COURIER_KEYS = [
    "available_collection_method", "available_for_cash_on_delivery", "available_for_proof_of_delivery",
    "available_for_instant_waybill_id", "courier_name", "courier_code", "courier_service_name",
    "courier_service_code", "tier", "description", "service_type", "shipping_type",
    "shipment_duration_range", "shipment_duration_unit",
]


@pytest.mark.parametrize(("courier_code", "service_code"), SECTION_7_PAIRS)
def test_every_documented_service_is_in_the_catalog(courier_code, service_code):
    service = CATALOG.get(courier_code, service_code)
    assert service is not None
    assert (service.courier_code, service.courier_service_code) == (courier_code, service_code)


def test_the_catalog_holds_nothing_else_and_keeps_the_documented_order():
    assert [(s.courier_code, s.courier_service_code) for s in CATALOG.services()] == SECTION_7_PAIRS
    assert CATALOG.companies() == list(SECTION_7)


def test_get_returns_none_for_an_unknown_pair():
    assert CATALOG.get("sicepat", "nope") is None
    assert CATALOG.get("nope", "reg") is None


@pytest.mark.parametrize("service", CATALOG.services(), ids=lambda s: f"{s.courier_code}-{s.courier_service_code}")
def test_to_courier_has_exactly_the_documented_shape(service):
    entry = service.to_courier()
    assert list(entry) == COURIER_KEYS
    assert entry["tier"] in {"free", "essentials", "standard", "premium"}
    assert entry["service_type"] in {"same_day", "standard", "overnight", "instant"}
    assert entry["shipping_type"] in {"parcel", "freight"}
    assert entry["shipment_duration_unit"] in {"hours", "days"}
    assert re.fullmatch(r"\d+( - \d+)?", entry["shipment_duration_range"])
    assert entry["available_collection_method"] and set(entry["available_collection_method"]) <= {"pickup", "drop_off"}
    assert all(isinstance(entry[k], bool) for k in COURIER_KEYS if k.startswith("available_for"))


def test_display_names_follow_biteship():
    names = {s.courier_code: s.courier_name for s in CATALOG.services()}
    assert names["sicepat"] == "SiCepat"
    assert names["jnt"] == "J&T"
    assert names["jntcargo"] == "J&T Cargo"
    assert names["jne"] == "JNE"
    assert names["anteraja"] == "AnterAja"
    assert names["sap"] == "SAP"
    assert names["grab"] == "Grab"
    assert names["gojek"] == "Gojek"
    assert names["ninja"] == "Ninja Express"


def test_documented_service_rows():
    wahana = [CATALOG.get("wahana", s) for s in ("deno", "normal")]
    assert all(s.available_collection_method == ("drop_off",) for s in wahana)
    ft = CATALOG.get("jntcargo", "ft")
    assert (ft.courier_service_name, ft.shipping_type, ft.available_collection_method) == ("Standar", "freight", ("pickup",))
    assert not ft.available_for_cash_on_delivery and not ft.available_for_proof_of_delivery
    assert ft.pricing.insurance_mandatory
    assert {s.service_type for s in CATALOG.services() if s.courier_code == "borzo"} == {"instant"}
    assert CATALOG.get("jne", "yes").courier_service_code == "yes"  # not YAML's boolean `yes`
    assert CATALOG.get("jne", "jtr").pricing.min_weight_kg == 10  # "minimum weight of 10 kg"
    assert CATALOG.get("rpx", "hwp").pricing.min_weight_kg == 20  # "paket >20 kg"


def test_instant_couriers_need_coordinates():
    # Rates docs name gojek, grab, paxel, lalamove and borzo; mrspeedy and rara are the same kind.
    instant = {"gojek", "grab", "paxel", "lalamove", "borzo", "mrspeedy", "rara", "deliveree"}
    for service in CATALOG.services():
        assert service.instant == (service.courier_code in instant), service


WAYBILL_FORMATS = {
    "jne": r"\d{16}",
    "sicepat": r"00\d{10}",
    "jnt": r"JP\d{10}",
    "anteraja": r"10\d{12,}",
    "ninja": r"NV[A-Z0-9]+",
    "tiki": r"\d{12}",
}


@pytest.mark.parametrize("courier_code", CATALOG.companies())
def test_waybill_patterns_generate_plausible_ids(courier_code):
    pattern = next(s.waybill_pattern for s in CATALOG.services() if s.courier_code == courier_code)
    fake = Faker()
    fake.seed_instance(7)
    for _ in range(20):
        waybill = fake.bothify(pattern, letters="ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        assert re.fullmatch(r"[A-Z0-9-]{8,}", waybill)
        if courier_code in WAYBILL_FORMATS:
            assert re.fullmatch(WAYBILL_FORMATS[courier_code], waybill)


def test_every_service_of_a_company_shares_its_waybill_pattern():
    patterns = {}
    for service in CATALOG.services():
        assert patterns.setdefault(service.courier_code, service.waybill_pattern) == service.waybill_pattern


# --- validation -----------------------------------------------------------------------------


def _document():
    return yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))


def _load_mutated(tmp_path, mutate):
    document = _document()
    mutate(document)
    path = tmp_path / "couriers.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError) as excinfo:
        CourierCatalog.load(path)
    return path, str(excinfo.value)


def test_the_shipped_file_round_trips_through_yaml(tmp_path):
    path = tmp_path / "couriers.yaml"
    path.write_text(yaml.safe_dump(_document(), sort_keys=False), encoding="utf-8")
    assert [s.to_courier() for s in CourierCatalog.load(path).services()] == [
        s.to_courier() for s in CATALOG.services()
    ]


def test_a_missing_file_is_named(tmp_path):
    path = tmp_path / "absent.yaml"
    with pytest.raises(CatalogError) as excinfo:
        CourierCatalog.load(path)
    assert str(excinfo.value) == f"{path}: cannot read the courier catalog (No such file or directory)"


def test_broken_yaml_is_reported(tmp_path):
    path = tmp_path / "couriers.yaml"
    path.write_text("couriers: [\n", encoding="utf-8")
    with pytest.raises(CatalogError) as excinfo:
        CourierCatalog.load(path)
    assert str(excinfo.value).startswith(f"{path}: not valid YAML: ")


def test_a_bad_enum_names_the_service(tmp_path):
    def mutate(doc):
        doc["couriers"][0]["services"][0]["tier"] = "gold"

    path, message = _load_mutated(tmp_path, mutate)
    assert message == (f"{path}: couriers[0] (gojek).services[0] (instant).tier: "
                       "must be one of free, essentials, standard, premium, got 'gold'")


def test_an_unquoted_yes_is_caught(tmp_path):
    def mutate(doc):
        jne = next(c for c in doc["couriers"] if c["courier_code"] == "jne")
        jne["services"][1]["courier_service_code"] = True

    path, message = _load_mutated(tmp_path, mutate)
    assert message == f"{path}: couriers[3] (jne).services[1].courier_service_code: must be a non-empty string, got True"


def test_a_missing_service_field_is_named(tmp_path):
    def mutate(doc):
        del doc["couriers"][5]["services"][0]["description"]

    path, message = _load_mutated(tmp_path, mutate)
    assert message == f"{path}: couriers[5] (ninja).services[0] (standard): missing key(s) description"


def test_an_unknown_key_is_refused(tmp_path):
    def mutate(doc):
        doc["couriers"][5]["services"][0]["colour"] = "red"

    path, message = _load_mutated(tmp_path, mutate)
    assert message == f"{path}: couriers[5] (ninja).services[0] (standard): unknown key(s) colour"


def test_a_duplicate_service_is_refused(tmp_path):
    def mutate(doc):
        ninja = doc["couriers"][5]
        ninja["services"].append(dict(ninja["services"][0]))

    path, message = _load_mutated(tmp_path, mutate)
    assert message == f"{path}: couriers[5] (ninja).services[1] (standard): service ninja/standard appears twice"


def test_a_bad_waybill_pattern_is_refused(tmp_path):
    def mutate(doc):
        doc["couriers"][5]["waybill_pattern"] = "NVID"

    path, message = _load_mutated(tmp_path, mutate)
    assert message == (f"{path}: couriers[5] (ninja).waybill_pattern: must use upper-case letters, digits, '-', "
                       "and Faker placeholders '#' (digit) or '?' (letter), with at least one placeholder; "
                       "got 'NVID'")


def test_bad_pricing_is_refused(tmp_path):
    def mutate(doc):
        doc["couriers"][5]["services"][0]["pricing"] = {"base": -1}

    path, message = _load_mutated(tmp_path, mutate)
    assert message == f"{path}: couriers[5] (ninja).services[0] (standard).pricing.base: must be an integer > 0, got -1"


def test_an_unknown_zone_is_refused(tmp_path):
    def mutate(doc):
        doc["couriers"][5]["services"][0]["pricing"]["zones"] = ["city", "moon"]

    path, message = _load_mutated(tmp_path, mutate)
    assert message == (f"{path}: couriers[5] (ninja).services[0] (standard).pricing.zones: must be a non-empty list "
                       "of city, metro, province, island, national, got ['city', 'moon']")


def test_rates_that_fall_with_distance_are_refused(tmp_path):
    def mutate(doc):
        doc["couriers"][5]["services"][0]["pricing"] = {"rates": {"city": 9000, "metro": 8000}}

    path, message = _load_mutated(tmp_path, mutate)
    assert message == f"{path}: couriers[5] (ninja).services[0] (standard).pricing.rates: must not decrease from city to national"


def test_a_distance_service_needs_its_range(tmp_path):
    def mutate(doc):
        del doc["couriers"][0]["pricing"]["max_distance_km"]

    path, message = _load_mutated(tmp_path, mutate)
    assert message == f"{path}: couriers[0] (gojek).services[0] (instant).pricing: missing key max_distance_km"


def test_a_city_in_two_metro_areas_is_refused(tmp_path):
    def mutate(doc):
        doc["geography"]["metro_areas"]["Bandung Raya"].append("Bekasi")

    path, message = _load_mutated(tmp_path, mutate)
    assert message == f"{path}: geography.metro_areas: 'Bekasi' is in both 'Jabodetabek' and 'Bandung Raya'"


def test_the_top_level_keys_are_checked(tmp_path):
    def mutate(doc):
        del doc["geography"]

    path, message = _load_mutated(tmp_path, mutate)
    assert message == f"{path}: the document: missing key(s) geography"
