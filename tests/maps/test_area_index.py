"""The shipped Indonesian area dataset and the AreaIndex lookups (no HTTP)."""

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.maps.service import DEFAULT_FIXTURES_DIR, Area, AreaIndex, distance_km

INDEX = AreaIndex.load(DEFAULT_FIXTURES_DIR)
AREAS = sorted(INDEX, key=lambda a: a.id)

PROVINCES = {
    "Bali", "Bangka Belitung", "Banten", "Bengkulu", "DI Yogyakarta", "DKI Jakarta",
    "Gorontalo", "Jambi", "Jawa Barat", "Jawa Tengah", "Jawa Timur", "Kalimantan Barat",
    "Kalimantan Selatan", "Kalimantan Tengah", "Kalimantan Timur", "Kalimantan Utara",
    "Kepulauan Riau", "Lampung", "Maluku", "Maluku Utara", "Nanggroe Aceh Darussalam (NAD)",
    "Nusa Tenggara Barat (NTB)", "Nusa Tenggara Timur (NTT)", "Papua", "Papua Barat",
    "Papua Barat Daya", "Papua Pegunungan", "Papua Selatan", "Papua Tengah", "Riau",
    "Sulawesi Barat", "Sulawesi Selatan", "Sulawesi Tengah", "Sulawesi Tenggara",
    "Sulawesi Utara", "Sumatera Barat", "Sumatera Selatan", "Sumatera Utara",
}  # fmt: skip


def test_all_38_provinces_are_present():
    assert {a.province_name for a in INDEX} == PROVINCES


def test_dataset_loads_fast():
    start = time.perf_counter()
    AreaIndex.load(DEFAULT_FIXTURES_DIR)
    assert time.perf_counter() - start < 0.5  # ~0.1 s measured; generous for slow CI


def test_every_area_is_found_by_its_postal_code():
    for area in AREAS:
        assert area in INDEX.search(str(area.postal_code), limit=50), area.id


def test_exact_postal_code_ranks_the_primary_area_first():
    for code in {a.postal_code for a in AREAS}:
        assert INDEX.search(str(code), limit=1) == [INDEX.by_postal_code(code)]


def test_every_postal_code_has_exactly_one_primary_area():
    for area in AREAS:
        primary = INDEX.by_postal_code(area.postal_code)
        assert primary is not None and primary.postal_code == area.postal_code
        assert INDEX.with_postal_code(area.postal_code)[0] == primary


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(AREAS))
def test_id_names_id_round_trip(area):
    assert INDEX.get(area.id) == area
    matches = INDEX.search(area.name, limit=50)
    assert area in matches
    same_names = [
        a
        for a in matches
        if (a.province_name, a.city_name, a.district_name, a.postal_code)
        == (area.province_name, area.city_name, area.district_name, area.postal_code)
    ]
    assert [a.id for a in same_names] == [area.id]


def test_area_ids_are_well_formed_and_consistent():
    provinces, cities, districts = {}, {}, {}
    for area in AREAS:
        head, _, tail = area.id.partition("IDZ")
        assert tail == str(area.postal_code)
        p, c, d = head.removeprefix("IDNP").replace("IDNC", " ").replace("IDND", " ").split()
        # One number per name at each level, and one name per number.
        assert provinces.setdefault(area.province_name, p) == p
        assert cities.setdefault((area.province_name, area.city_name), c) == c
        district = (area.province_name, area.city_name, area.district_name)
        assert districts.setdefault(district, d) == d
    assert len(set(provinces.values())) == len(provinces)
    assert len(set(cities.values())) == len(cities)
    assert len(set(districts.values())) == len(districts)


def test_idnz_spelling_is_accepted():
    idz = INDEX.get("IDNP6IDNC148IDND836IDZ12430")
    assert idz is not None
    assert INDEX.get("IDNP6IDNC148IDND836IDNZ12430") == idz
    assert INDEX.get(" idnp6idnc148idnd836idnz12430 ") == idz


@pytest.mark.parametrize(
    "bad", ["", "IDNP6IDNC148IDND836", "IDNP6IDNC148IDND836IDZ99999", "12430", "x"]
)
def test_unknown_or_malformed_ids_are_none(bad):
    assert INDEX.get(bad) is None


@pytest.mark.parametrize(
    ("area_id", "province", "city", "district"),
    [
        ("IDNP6IDNC148IDND843IDZ12250", "DKI Jakarta", "Jakarta Selatan", "Pesanggrahan"),
        ("IDNP6IDNC148IDND843IDZ12260", "DKI Jakarta", "Jakarta Selatan", "Pesanggrahan"),
        ("IDNP6IDNC148IDND843IDZ12270", "DKI Jakarta", "Jakarta Selatan", "Pesanggrahan"),
        ("IDNP6IDNC148IDND836IDZ12410", "DKI Jakarta", "Jakarta Selatan", "Cilandak"),
        ("IDNP6IDNC148IDND836IDZ12430", "DKI Jakarta", "Jakarta Selatan", "Cilandak"),
        ("IDNP6IDNC148IDND837IDZ12530", "DKI Jakarta", "Jakarta Selatan", "Jagakarsa"),
        ("IDNP6IDNC147IDND835IDZ10210", "DKI Jakarta", "Jakarta Pusat", "Tanah Abang"),
        ("IDNP6IDNC147IDND829IDZ10110", "DKI Jakarta", "Jakarta Pusat", "Gambir"),
        ("IDNP6IDNC147IDND832IDZ10310", "DKI Jakarta", "Jakarta Pusat", "Menteng"),
        ("IDNP6IDNC147IDND833IDZ10730", "DKI Jakarta", "Jakarta Pusat", "Sawah Besar"),
        ("IDNP9IDNC74IDND6752IDZ16320", "Jawa Barat", "Bogor", "Tajurhalang"),
        ("IDNP9IDNC74IDND6713IDZ16111", "Jawa Barat", "Bogor", "Bogor Barat"),
        ("IDNP9IDNC74IDND6715IDZ16128", "Jawa Barat", "Bogor", "Bogor Tengah"),
        ("IDNP9IDNC74IDND6754IDZ16164", "Jawa Barat", "Bogor", "Tanah Sareal"),
        ("IDNP9IDNC74IDND6757IDZ16371", "Jawa Barat", "Bogor", "Tenjolaya"),
        ("IDNP9IDNC22IDND2043IDZ40132", "Jawa Barat", "Bandung", "Coblong"),
        ("IDNP33IDNC39IDND4653IDZ30961", "Sumatera Selatan", "Banyuasin", "Talang Kelapa"),
        ("IDNP33IDNC325IDND3713IDZ30161", "Sumatera Selatan", "Palembang", "Sako"),
        ("IDNP11IDNC434IDND5427IDZ60281", "Jawa Timur", "Surabaya", "Gubeng"),
        ("IDNP11IDNC434IDND5450IDZ60241", "Jawa Timur", "Surabaya", "Wonokromo"),
        ("IDNP11IDNC250IDND2604IDZ65181", "Jawa Timur", "Malang", "Dampit"),
        ("IDNP22IDNC271IDND2891IDZ83239", "Nusa Tenggara Barat (NTB)", "Mataram", "Cakranegara"),
    ],
)
def test_real_biteship_ids_resolve_to_their_names(area_id, province, city, district):
    area = INDEX.get(area_id)
    assert area is not None
    assert (area.province_name, area.city_name, area.district_name) == (province, city, district)


def test_maps_name_format_matches_the_docs():
    area = INDEX.get("IDNP6IDNC148IDND843IDZ12250")
    assert area.name == "Pesanggrahan, Jakarta Selatan, DKI Jakarta. 12250"


def test_documented_subdistricts_and_primary():
    # Rates docs: 30961 = "Gasing, Talang Kelapa, Banyuasin"; 30161 = "Sako Baru, Sako, Palembang".
    assert INDEX.by_postal_code(30961).subdistrict_name == "Gasing"
    assert INDEX.by_postal_code(30161).id == "IDNP33IDNC325IDND3713IDZ30161"
    assert INDEX.by_postal_code(30161).subdistrict_name == "Sako Baru"
    assert INDEX.by_postal_code(12430).subdistrict_name == "Cilandak Barat"


@pytest.mark.parametrize(
    ("postal_code", "province", "city"),
    [
        (10110, "DKI Jakarta", "Jakarta Pusat"),
        (12250, "DKI Jakarta", "Jakarta Selatan"),
        (40132, "Jawa Barat", "Bandung"),
        (16320, "Jawa Barat", "Bogor"),
        (60111, "Jawa Timur", "Surabaya"),
        (50111, "Jawa Tengah", "Semarang"),
        (55211, "DI Yogyakarta", "Yogyakarta"),
        (80361, "Bali", "Badung"),
        (80117, "Bali", "Denpasar"),
        (99111, "Papua", "Jayapura"),
        (20111, "Sumatera Utara", "Medan"),
        (23111, "Nanggroe Aceh Darussalam (NAD)", "Banda Aceh"),
        (90111, "Sulawesi Selatan", "Makassar"),
        (83121, "Nusa Tenggara Barat (NTB)", "Mataram"),
    ],
)
def test_well_known_postal_codes(postal_code, province, city):
    area = INDEX.by_postal_code(postal_code)
    assert area is not None
    assert (area.province_name, area.city_name) == (province, city)


def test_unknown_postal_code_is_none():
    assert INDEX.by_postal_code(99999) is None


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(AREAS))
def test_nearest_to_a_centroid_is_that_centroid(area):
    found = INDEX.nearest(area.latitude, area.longitude)
    assert (found.latitude, found.longitude) == (area.latitude, area.longitude)


@settings(max_examples=200)
@given(st.floats(-11.5, 6.5), st.floats(94.5, 141.5))
def test_nearest_agrees_with_a_full_scan(latitude, longitude):
    best = min(distance_km(latitude, longitude, a.latitude, a.longitude) for a in AREAS)
    found = INDEX.nearest(latitude, longitude)
    assert distance_km(latitude, longitude, found.latitude, found.longitude) == best


def test_nearest_far_away_point_still_answers():
    assert INDEX.nearest(51.5, -0.12).province_name  # London: a full scan, still an area


def test_distance_km():
    assert distance_km(0, 0, 0, 0) == 0
    assert distance_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.001)
    # Monas to Bundaran HI, about 2.4 km.
    assert distance_km(-6.1754, 106.8272, -6.1950, 106.8230) == pytest.approx(2.23, abs=0.1)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("12250", "Pesanggrahan, Jakarta Selatan, DKI Jakarta. 12250"),
        ("cilandak jakarta", "Cilandak, Jakarta Selatan, DKI Jakarta. 12410"),
        ("  CILANDAK   Jakarta  ", "Cilandak, Jakarta Selatan, DKI Jakarta. 12410"),
        ("Tanah Sareal, Bogor, Jawa Barat. 16162", "Tanah Sareal, Bogor, Jawa Barat. 16162"),
        ("pesanggrahan 12270", "Pesanggrahan, Jakarta Selatan, DKI Jakarta. 12270"),
        ("coblong", "Coblong, Bandung, Jawa Barat. 40131"),
    ],
)
def test_search_ranks_the_expected_area_first(query, expected):
    assert INDEX.search(query)[0].name == expected


def test_search_ands_tokens_and_respects_limit():
    results = INDEX.search("jakarta selatan", limit=7)
    assert len(results) == 7
    assert all(a.city_name == "Jakarta Selatan" for a in results)
    assert INDEX.search("cilandak bandung") == []
    assert INDEX.search("") == []
    assert INDEX.search("   ") == []


def test_search_district_prefix_before_city_match():
    results = INDEX.search("bogor", limit=200)
    districts_first = [a for a in results if a.district_name.lower().startswith("bogor")]
    assert results[: len(districts_first)] == districts_first


def test_override_files_add_and_replace(tmp_path: Path):
    csv_file = tmp_path / "mine.csv"
    csv_file.write_text(
        "id,province_name,city_name,district_name,postal_code,latitude,longitude,subdistrict_name\n"
        "IDNP6IDNC148IDND843IDZ12250,DKI Jakarta,Jakarta Selatan,Pesanggrahan Baru,12250,"
        "-6.2,106.7,Ulujami\n"
    )
    yaml_file = tmp_path / "mine.yaml"
    yaml_file.write_text(
        "- id: IDNP99IDNC9999IDND99999IDNZ99998\n"
        "  province_name: Sandbox\n"
        "  city_name: Test City\n"
        "  district_name: Test District\n"
        "  postal_code: 99998\n"
        "  latitude: 1.5\n"
        "  longitude: 2.5\n"
    )
    index = AreaIndex.load(DEFAULT_FIXTURES_DIR, extra_files=[csv_file, yaml_file])

    assert len(index) == len(INDEX) + 1
    added = index.get("IDNP99IDNC9999IDND99999IDZ99998")
    assert added == Area(
        "IDNP99IDNC9999IDND99999IDZ99998", "Sandbox", "Test City", "Test District",
        99998, 1.5, 2.5, None,
    )  # fmt: skip
    assert index.by_postal_code(99998) == added
    assert index.search("test district")[0] == added
    assert index.nearest(1.5, 2.5) == added

    replaced = index.get("IDNP6IDNC148IDND843IDZ12250")
    assert replaced.district_name == "Pesanggrahan Baru"
    assert index.by_postal_code(12250) == replaced
    assert INDEX.get("IDNP6IDNC148IDND843IDZ12250").district_name == "Pesanggrahan"


def test_override_primary_flag_moves_the_postal_code(tmp_path: Path):
    csv_file = tmp_path / "primary.csv"
    csv_file.write_text(
        "id,province_name,city_name,district_name,postal_code,latitude,longitude,"
        "subdistrict_name,primary\n"
        "IDNP6IDNC148IDND9999IDZ12250,DKI Jakarta,Jakarta Selatan,Elsewhere,12250,-6.2,106.7,,1\n"
    )
    index = AreaIndex.load(DEFAULT_FIXTURES_DIR, extra_files=[csv_file])
    assert index.by_postal_code(12250).district_name == "Elsewhere"
    assert [a.district_name for a in index.with_postal_code(12250)] == ["Elsewhere", "Pesanggrahan"]


@pytest.mark.parametrize(
    "row",
    [
        "NOTANID,DKI Jakarta,Jakarta Selatan,X,12250,-6.2,106.7,",
        "IDNP6IDNC148IDND1IDZ12250,DKI Jakarta,Jakarta Selatan,X,12260,-6.2,106.7,",
        "IDNP6IDNC148IDND1IDZ12250,DKI Jakarta,,X,12250,-6.2,106.7,",
    ],
)
def test_bad_override_rows_are_rejected(tmp_path: Path, row):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "id,province_name,city_name,district_name,postal_code,latitude,longitude,subdistrict_name\n"
        + row
        + "\n"
    )
    with pytest.raises(ValueError):
        AreaIndex.load(DEFAULT_FIXTURES_DIR, extra_files=[bad])


def test_shipped_rows_pass_the_override_file_checks():
    dataset = DEFAULT_FIXTURES_DIR / "areas.csv.gz"
    reloaded = AreaIndex.load(DEFAULT_FIXTURES_DIR, extra_files=[dataset])
    assert sorted(reloaded, key=lambda a: a.id) == AREAS
    for code in {a.postal_code for a in AREAS}:
        assert reloaded.by_postal_code(code) == INDEX.by_postal_code(code)


def test_missing_dataset_is_an_error(tmp_path: Path):
    with pytest.raises(FileNotFoundError):
        AreaIndex.load(tmp_path)
