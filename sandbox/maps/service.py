"""The area index: Biteship area ids, names, postal codes and coordinates of Indonesia.

Knows the areas file format (fixtures/areas/areas.csv.gz, built by
fixtures/areas/build_areas.py) and user override files. No Flask, no store: the app factory
loads one AreaIndex and keeps it in app.extensions.
"""

from __future__ import annotations

import bisect
import csv
import gzip
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

EARTH_RADIUS_KM = 6371.0
DEFAULT_FIXTURES_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "areas"
DATASET_NAMES = ("areas.csv.gz", "areas.csv")
COLUMNS = (
    "id",
    "province_name",
    "city_name",
    "district_name",
    "postal_code",
    "latitude",
    "longitude",
    "subdistrict_name",
)

# The docs spell the tail both ways: maps/rates use "IDZ12250", draft examples "IDNZ12430".
_AREA_ID = re.compile(r"IDNP(\d+)IDNC(\d+)IDND(\d+)IDN?Z(\d+)")
_WORD = re.compile(r"[0-9a-z]+")
#: Words naming an administrative level, not a place (Indonesian, with abbreviations).
_KIND_WORDS = frozenset(
    {"kota", "kabupaten", "kab", "kecamatan", "kec", "provinsi", "prov", "kelurahan", "kel", "desa", "administrasi"}
)
_CITY_WORDS = frozenset({"kota", "kabupaten", "kab"})
_CELL_DEG = 0.25
_KM_PER_DEG = math.pi * EARTH_RADIUS_KM / 180.0


@dataclass(frozen=True, slots=True)
class Area:
    """One Biteship area: a district (kecamatan) together with one of its postal codes."""

    id: str
    province_name: str
    city_name: str
    district_name: str
    postal_code: int
    latitude: float
    longitude: float
    subdistrict_name: str | None

    @property
    def name(self) -> str:
        """The maps API's display name: 'Pesanggrahan, Jakarta Selatan, DKI Jakarta. 12250'."""
        return f"{self.district_name}, {self.city_name}, {self.province_name}. {self.postal_code}"


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def canonical_area_id(area_id: str) -> str | None:
    """'IDNP6IDNC148IDND836IDNZ12430' -> 'IDNP6IDNC148IDND836IDZ12430'; None if not an area id."""
    match = _AREA_ID.fullmatch(area_id.strip().upper())
    if match is None:
        return None
    p, c, d, z = (int(g) for g in match.groups())
    return f"IDNP{p}IDNC{c}IDND{d}IDZ{z}"


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class AreaIndex:
    """Immutable after load: lookups by id, postal code, coordinate and free text."""

    def __init__(self, areas: Iterable[Area], primary: Mapping[int, str] | None = None) -> None:
        self._by_id: dict[str, Area] = {}
        self._by_postal: dict[int, list[str]] = {}
        for area in areas:
            self._by_id[area.id] = area
        for area in self._by_id.values():
            self._by_postal.setdefault(area.postal_code, []).append(area.id)
        # Primary area first in each postal code's list; by default the first one seen.
        for code, chosen in (primary or {}).items():
            ids = self._by_postal.get(code)
            if ids and chosen in ids:
                ids.remove(chosen)
                ids.insert(0, chosen)
        self._grid: dict[tuple[int, int], list[Area]] = {}
        for area in self._by_id.values():
            self._grid.setdefault(_cell(area.latitude, area.longitude), []).append(area)
        rows = [i for i, _ in self._grid] or [0]
        cols = [j for _, j in self._grid] or [0]
        self._cell_bounds = (min(rows), max(rows), min(cols), max(cols))
        self._max_abs_lat = max((abs(a.latitude) for a in self._by_id.values()), default=0.0)
        self._text: _TextIndex | None = None  # built on the first search()

    # -- loading ----------------------------------------------------------------------------

    @classmethod
    def load(cls, fixtures_dir: Path | None = None, extra_files: Iterable[Path] = ()) -> AreaIndex:
        """The shipped dataset in fixtures_dir, then each extra file in order.

        Extra files (CSV with the dataset's columns, or YAML: a list of mappings with the same
        keys) add areas; a row whose id already exists replaces that area. An optional
        `primary` column/key (1/0, true/false) makes the row the area a bare postal code
        resolves to.
        """
        directory = Path(fixtures_dir) if fixtures_dir is not None else DEFAULT_FIXTURES_DIR
        dataset = next((directory / n for n in DATASET_NAMES if (directory / n).is_file()), None)
        if dataset is None:
            raise FileNotFoundError(f"no {' or '.join(DATASET_NAMES)} in {directory}")
        areas, primary = _read_dataset(dataset)
        for path in extra_files:
            for row in _read_rows(Path(path)):
                area = _area_from_row(row, path)
                areas[area.id] = area  # same id: replaces (the id fixes the postal code)
                flag = _flag(row.get("primary"))
                if flag or (flag is None and area.postal_code not in primary):
                    primary[area.postal_code] = area.id
        return cls(areas.values(), primary)

    # -- lookups ----------------------------------------------------------------------------

    def get(self, area_id: str) -> Area | None:
        """The area with this id (IDZ or IDNZ spelling), or None."""
        canonical = canonical_area_id(area_id) if isinstance(area_id, str) else None
        return self._by_id.get(canonical) if canonical else None

    def by_postal_code(self, postal_code: int) -> Area | None:
        """The primary area of a postal code (see fixtures/README.md), or None."""
        ids = self._by_postal.get(int(postal_code))
        return self._by_id[ids[0]] if ids else None

    def with_postal_code(self, postal_code: int) -> list[Area]:
        """Every area with this postal code, the primary one first."""
        return [self._by_id[i] for i in self._by_postal.get(int(postal_code), ())]

    def nearest(self, latitude: float, longitude: float) -> Area:
        """The area whose centroid is nearest (great-circle) to the point."""
        if not self._by_id:
            raise LookupError("the area index is empty")
        ci, cj = _cell(latitude, longitude)
        i0, i1, j0, j1 = self._cell_bounds
        max_lat = max(self._max_abs_lat, abs(latitude)) + _CELL_DEG
        if not (i0 <= ci <= i1 and j0 <= cj <= j1) or max_lat > 60:
            return min(
                self._by_id.values(),
                key=lambda a: distance_km(latitude, longitude, a.latitude, a.longitude),
            )
        # Any area outside ring r differs by more than r cells in latitude or longitude,
        # so it is at least `bound * r` km away.
        bound = _CELL_DEG * _KM_PER_DEG * math.cos(math.radians(max_lat))
        best: Area | None = None
        best_km = math.inf
        for r in range(max(ci - i0, i1 - ci, cj - j0, j1 - cj) + 1):
            for cell in _ring(ci, cj, r):
                for area in self._grid.get(cell, ()):
                    km = distance_km(latitude, longitude, area.latitude, area.longitude)
                    if km < best_km or (km == best_km and best is not None and area.id < best.id):
                        best, best_km = area, km
            if best is not None and best_km <= bound * r:
                break
        assert best is not None
        return best

    def search(self, text: str, limit: int = 20) -> list[Area]:
        """Free-text search over district, city, province and postal code.

        Every word of the query must start a word of the area (so 'cilandak jakarta' and a
        pasted maps name both work); when nothing matches, words naming an administrative
        level ('Kota', 'Kab.', 'Kecamatan') are dropped and the search runs again. Ranked:
        exact postal code (primary area first), the city's areas when the query named a
        city ('Kota Bandung'), district name starting with the query, district word, city,
        province, then the rest.
        """
        if self._text is None:
            self._text = _TextIndex(self._by_id.values())
        return self._text.search(text, limit, self._by_postal)

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Area]:
        return iter(self._by_id.values())


class _TextIndex:
    """Prefix index from lower-case words to areas."""

    def __init__(self, areas: Iterable[Area]) -> None:
        self.areas = list(areas)
        postings: dict[str, list[int]] = {}
        self.fields: list[tuple[str, ...]] = []
        for n, area in enumerate(self.areas):
            district, city, province = (
                " ".join(_words(area.district_name)),
                " ".join(_words(area.city_name)),
                " ".join(_words(area.province_name)),
            )
            self.fields.append((district, city, province))
            words = {*district.split(), *city.split(), *province.split(), str(area.postal_code)}
            for word in words:
                postings.setdefault(word, []).append(n)
        self.vocabulary = sorted(postings)
        self.postings = [postings[w] for w in self.vocabulary]

    def _matching(self, token: str) -> set[int]:
        found: set[int] = set()
        start = bisect.bisect_left(self.vocabulary, token)
        for k in range(start, len(self.vocabulary)):
            if not self.vocabulary[k].startswith(token):
                break
            found.update(self.postings[k])
        return found

    def _candidates(self, tokens: list[str]) -> set[int]:
        """Areas in which every token starts a word."""
        candidates: set[int] | None = None
        for token in sorted(set(tokens), key=len, reverse=True):
            matched = self._matching(token)
            candidates = matched if candidates is None else candidates & matched
            if not candidates:
                return set()
        return candidates or set()

    def search(self, text: str, limit: int, by_postal: Mapping[int, list[str]]) -> list[Area]:
        tokens = _words(text)
        if not tokens or limit <= 0:
            return []
        candidates = self._candidates(tokens)
        city_first = False
        if not candidates:
            # Users type the administrative kind ("Kota Bandung", "Kab. Bogor", "Kecamatan
            # Coblong"), which area names leave out; names that hold such a word (Kota Baru,
            # Kotagede) are found by the first pass. "Kota"/"Kabupaten" name a city: its
            # areas rank before districts that share the name.
            city_first = not _CITY_WORDS.isdisjoint(tokens)
            tokens = [t for t in tokens if t not in _KIND_WORDS] or tokens
            candidates = self._candidates(tokens)
            if not candidates:
                return []
        codes = {int(t) for t in tokens if t.isdigit()}
        phrase = " ".join(t for t in tokens if not t.isdigit())
        first = phrase.split()[0] if phrase else ""

        def rank(n: int) -> tuple:
            area = self.areas[n]
            district, city, province = self.fields[n]
            if area.postal_code in codes:
                primary = by_postal[area.postal_code][0] == area.id
                tier = (0, not primary)
            elif city_first and city.startswith(phrase):
                tier = (1, city != phrase)
            elif phrase and district.startswith(phrase):
                tier = (2, district != phrase)
            elif first and _starts_a_word(district, first):
                tier = (3, 0)
            elif first and (city.startswith(phrase) or _starts_a_word(city, first)):
                tier = (4, 0)
            elif first and (province.startswith(phrase) or _starts_a_word(province, first)):
                tier = (5, 0)
            else:
                tier = (6, 0)
            return (*tier, district, city, province, area.postal_code)

        return [self.areas[n] for n in sorted(candidates, key=rank)[:limit]]


def _starts_a_word(text: str, prefix: str) -> bool:
    return text.startswith(prefix) or f" {prefix}" in text


def _cell(latitude: float, longitude: float) -> tuple[int, int]:
    return (math.floor(latitude / _CELL_DEG), math.floor(longitude / _CELL_DEG))


def _ring(ci: int, cj: int, r: int) -> Iterator[tuple[int, int]]:
    if r == 0:
        yield (ci, cj)
        return
    for dj in range(-r, r + 1):
        yield (ci - r, cj + dj)
        yield (ci + r, cj + dj)
    for di in range(-r + 1, r):
        yield (ci + di, cj - r)
        yield (ci + di, cj + r)


def _read_dataset(path: Path) -> tuple[dict[str, Area], dict[int, str]]:
    """The shipped file, trusted (build_areas.py wrote it; tests check it): no per-row checks."""
    raw = path.read_bytes()
    if path.name.endswith(".gz"):
        raw = gzip.decompress(raw)
    rows = csv.reader(io.StringIO(raw.decode("utf-8")))
    if tuple(next(rows))[: len(COLUMNS) + 1] != (*COLUMNS, "primary"):
        raise ValueError(f"{path}: unexpected header")
    areas: dict[str, Area] = {}
    primary: dict[int, str] = {}
    for area_id, province, city, district, code, lat, lon, subdistrict, flag in rows:
        postal_code = int(code)
        latitude, longitude = float(lat), float(lon)
        areas[area_id] = Area(
            area_id, province, city, district, postal_code, latitude, longitude, subdistrict or None
        )
        if flag == "1":
            primary[postal_code] = area_id
    return areas, primary


def _read_rows(path: Path) -> list[Mapping[str, object]]:
    name = path.name.lower()
    if name.endswith((".yaml", ".yml")):
        from .. import yamlfile  # only user override files need it

        data = yamlfile.load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
            raise ValueError(f"{path}: expected a YAML list of mappings")
        return data
    raw = path.read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _area_from_row(row: Mapping[str, object], path: Path) -> Area:
    missing = [c for c in COLUMNS if c != "subdistrict_name" and row.get(c) in (None, "")]
    if missing:
        raise ValueError(f"{path}: row {dict(row)!r} lacks {', '.join(missing)}")
    area_id = canonical_area_id(str(row["id"]))
    if area_id is None:
        raise ValueError(f"{path}: {row['id']!r} is not an area id (IDNP…IDNC…IDND…IDZ…)")
    postal_code = int(str(row["postal_code"]))
    if not area_id.endswith(f"IDZ{postal_code}"):
        raise ValueError(f"{path}: {area_id} does not end with its postal code {postal_code}")
    subdistrict = row.get("subdistrict_name")
    return Area(
        id=area_id,
        province_name=str(row["province_name"]).strip(),
        city_name=str(row["city_name"]).strip(),
        district_name=str(row["district_name"]).strip(),
        postal_code=postal_code,
        latitude=float(str(row["latitude"])),
        longitude=float(str(row["longitude"])),
        subdistrict_name=str(subdistrict).strip() if subdistrict not in (None, "") else None,
    )


def _flag(value: object) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes")
