"""The courier catalog: every courier company/service the sandbox offers, loaded from YAML.

Knows the catalog file format and Biteship's GET /v1/couriers entry shape (fact sheet §7).
Knows nothing about HTTP, the store, or how a route is priced (see ``pricing``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .. import yamlfile

ZONES = ("city", "metro", "province", "island", "national")
TIERS = ("free", "essentials", "standard", "premium")
SERVICE_TYPES = ("same_day", "standard", "overnight", "instant")
SHIPPING_TYPES = ("parcel", "freight")
DURATION_UNITS = ("hours", "days")
COLLECTION_METHODS = ("pickup", "drop_off")
PRICING_MODES = ("weight", "flat", "distance")

_CODE = re.compile(r"^[a-z0-9_]+$")
_WAYBILL = re.compile(r"^[A-Z0-9#?\-]*[#?][A-Z0-9#?\-]*$")
_DURATION_RANGE = re.compile(r"^\d+( - \d+)?$")


class CatalogError(ValueError):
    """The courier catalog file is missing, unreadable or invalid; the message names the spot."""


@dataclass(frozen=True, slots=True)
class Pricing:
    """Price parameters of one service; their meaning is documented in fixtures/couriers.md."""

    mode: str  # weight | flat | distance
    rates: tuple[tuple[str, int], ...]  # zone -> IDR (per kg for weight, per shipment for flat)
    long_haul_per_100km: int  # added to the island/national rate per full 100 km
    base_fare: int  # distance mode: price of the first base_km km
    base_km: float
    per_km: int  # distance mode: per started km beyond base_km
    max_distance_km: float | None
    volumetric_divisor: int
    min_weight_kg: float
    weight_step_kg: float
    weight_tolerance_kg: float
    max_weight_kg: float | None
    rounding: int
    insurance_rate: float
    insurance_admin: int
    insurance_min: int
    insurance_mandatory: bool
    cod_rate: float
    cod_min: int
    proof_of_delivery_fee: int

    def rate(self, zone: str) -> int | None:
        """The zone's rate, or None when the service does not serve that zone."""
        for name, value in self.rates:
            if name == zone:
                return value
        return None


@dataclass(frozen=True, slots=True)
class CourierService:
    """One company+service row of the catalog; field names are Biteship's wire names."""

    courier_code: str
    courier_name: str
    courier_service_code: str
    courier_service_name: str
    description: str
    tier: str
    service_type: str
    shipping_type: str
    shipment_duration_range: str
    shipment_duration_unit: str
    available_collection_method: tuple[str, ...]
    available_for_cash_on_delivery: bool
    available_for_proof_of_delivery: bool
    available_for_instant_waybill_id: bool
    available_for_insurance: bool
    instant: bool  # needs a coordinate on both sides
    pricing: Pricing
    waybill_pattern: str

    @property
    def duration(self) -> str:
        """The rates' ``duration`` text, e.g. "1 - 3 days"."""
        return f"{self.shipment_duration_range} {self.shipment_duration_unit}"

    def to_courier(self) -> dict[str, Any]:
        """The entry of GET /v1/couriers, keys in the docs' order (fact sheet §7)."""
        return {
            "available_collection_method": list(self.available_collection_method),
            "available_for_cash_on_delivery": self.available_for_cash_on_delivery,
            "available_for_proof_of_delivery": self.available_for_proof_of_delivery,
            "available_for_instant_waybill_id": self.available_for_instant_waybill_id,
            "courier_name": self.courier_name,
            "courier_code": self.courier_code,
            "courier_service_name": self.courier_service_name,
            "courier_service_code": self.courier_service_code,
            "tier": self.tier,
            "description": self.description,
            "service_type": self.service_type,
            "shipping_type": self.shipping_type,
            "shipment_duration_range": self.shipment_duration_range,
            "shipment_duration_unit": self.shipment_duration_unit,
        }


def normalize_city(name: str) -> str:
    """Compare key of a city name: case-folded, without a Kota/Kabupaten prefix."""
    key = " ".join(str(name).lower().split())
    for prefix in ("kota administrasi ", "kota adm. ", "kota ", "kabupaten ", "kab. ", "kab "):
        if key.startswith(prefix):
            return key[len(prefix):]
    return key


def normalize_province(name: str) -> str:
    """Compare key of a province name: case-folded, without a "(NTB)"-style suffix."""
    key = re.sub(r"\(.*?\)", " ", str(name).lower())
    key = " ".join(key.split())
    return key.removeprefix("provinsi ")


@dataclass(frozen=True, slots=True)
class Geography:
    """The catalog's place groups: tariff cities, metro areas and island groups."""

    tariff_cities: Mapping[str, str]  # normalized city -> tariff city name
    metro_areas: Mapping[str, str]  # normalized city -> metro area name
    islands: Mapping[str, str]  # normalized province -> island group name

    @classmethod
    def build(
        cls,
        tariff_cities: Mapping[str, list[str]],
        metro_areas: Mapping[str, list[str]],
        islands: Mapping[str, list[str]],
    ) -> "Geography":
        """Invert the YAML's name -> members lists into lookups."""

        def invert(groups: Mapping[str, list[str]], normalize) -> Mapping[str, str]:
            return MappingProxyType(
                {normalize(member): name for name, members in groups.items() for member in members}
            )

        return cls(
            invert(tariff_cities, normalize_city),
            invert(metro_areas, normalize_city),
            invert(islands, normalize_province),
        )

    def with_metro_areas(self, metro_areas: Mapping[str, list[str]]) -> "Geography":
        """A copy whose metro areas are replaced."""
        inverted = {normalize_city(m): name for name, members in metro_areas.items() for m in members}
        return Geography(self.tariff_cities, MappingProxyType(inverted), self.islands)

    def tariff_city(self, city_name: str) -> str:
        key = normalize_city(city_name)
        return self.tariff_cities.get(key, key)

    def metro_area(self, city_name: str) -> str | None:
        return self.metro_areas.get(normalize_city(city_name))

    def island(self, province_name: str) -> str | None:
        return self.islands.get(normalize_province(province_name))


class CourierCatalog:
    """All courier services, in catalog order, plus the geography their prices depend on."""

    def __init__(self, services: list[CourierService], geography: Geography):
        self._services = list(services)
        self._index = {(s.courier_code, s.courier_service_code): s for s in self._services}
        self.geography = geography

    @classmethod
    def load(cls, path: Path | str) -> "CourierCatalog":
        """Read and validate a catalog file; raises CatalogError naming the bad spot."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CatalogError(f"{path}: cannot read the courier catalog ({exc.strerror})") from exc
        try:
            document = yamlfile.load(text)
        except yamlfile.YAMLError as exc:
            raise CatalogError(f"{path}: not valid YAML: {exc}") from exc
        try:
            return cls.from_dict(document)
        except CatalogError as exc:
            raise CatalogError(f"{path}: {exc}") from None

    @classmethod
    def from_dict(cls, document: Any) -> "CourierCatalog":
        """Build a catalog from an already parsed document (the YAML's structure)."""
        return _Loader().load(document)

    def services(self) -> list[CourierService]:
        return list(self._services)

    def get(self, courier_code: str, service_code: str) -> CourierService | None:
        return self._index.get((courier_code, service_code))

    def companies(self) -> list[str]:
        return list(dict.fromkeys(s.courier_code for s in self._services))


# --- loading and validation ---------------------------------------------------------------

_SERVICE_FIELDS = {
    "courier_service_code": str,
    "courier_service_name": str,
    "description": str,
    "tier": str,
    "service_type": str,
    "shipping_type": str,
    "shipment_duration_range": str,
    "shipment_duration_unit": str,
    "available_collection_method": list,
    "available_for_cash_on_delivery": bool,
    "available_for_proof_of_delivery": bool,
    "available_for_instant_waybill_id": bool,
    "available_for_insurance": bool,
    "instant": bool,
}
_ENUMS = {
    "tier": TIERS,
    "service_type": SERVICE_TYPES,
    "shipping_type": SHIPPING_TYPES,
    "shipment_duration_unit": DURATION_UNITS,
}
_COURIER_KEYS = {"courier_code", "courier_name", "waybill_pattern", "service_defaults", "pricing", "services"}
_PRICING_KEYS = {
    "mode", "base", "rates", "zones", "zone_factors", "long_haul_factor", "base_fare", "base_km",
    "per_km", "max_distance_km", "volumetric_divisor", "min_weight_kg", "weight_step_kg",
    "weight_tolerance_kg", "max_weight_kg", "rounding", "insurance", "cash_on_delivery",
    "proof_of_delivery_fee",
}
_INSURANCE_KEYS = {"rate", "admin", "min", "mandatory"}
_COD_KEYS = {"rate", "min"}


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _merge(*layers: Mapping[str, Any]) -> dict[str, Any]:
    """Later layers win; nested mappings merge key by key."""
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
                out[key] = _merge(out[key], value)
            else:
                out[key] = value
    return out


class _Loader:
    def load(self, document: Any) -> CourierCatalog:
        root = self._mapping(document, "the document", required={"version", "geography", "defaults", "couriers"})
        if root["version"] != 1:
            raise CatalogError(f"version: unsupported catalog version {root['version']!r} (expected 1)")
        geography = self._geography(root["geography"])
        defaults = self._mapping(root["defaults"], "defaults", required={"service", "pricing"},
                                 optional={"freight_pricing"})
        service_defaults = self._mapping(defaults["service"], "defaults.service", optional=set(_SERVICE_FIELDS))
        pricing_defaults = self._mapping(defaults["pricing"], "defaults.pricing", optional=_PRICING_KEYS)
        freight_defaults = self._mapping(defaults.get("freight_pricing", {}), "defaults.freight_pricing",
                                         optional=_PRICING_KEYS)
        couriers = root["couriers"]
        if not isinstance(couriers, list) or not couriers:
            raise CatalogError("couriers: must be a non-empty list")
        services: list[CourierService] = []
        seen_companies: set[str] = set()
        seen_services: set[tuple[str, str]] = set()
        for i, raw in enumerate(couriers):
            where = f"couriers[{i}]"
            courier = self._mapping(raw, where, required={"courier_code", "courier_name", "waybill_pattern",
                                                          "services"}, optional=_COURIER_KEYS)
            code = courier["courier_code"]
            if not isinstance(code, str) or not _CODE.match(code):
                raise CatalogError(f"{where}.courier_code: must be a lower-case code like 'sicepat', got {code!r}")
            where = f"couriers[{i}] ({code})"
            if code in seen_companies:
                raise CatalogError(f"{where}: courier_code {code!r} appears twice")
            seen_companies.add(code)
            name = self._string(courier["courier_name"], f"{where}.courier_name")
            pattern = self._string(courier["waybill_pattern"], f"{where}.waybill_pattern")
            if not _WAYBILL.match(pattern):
                raise CatalogError(
                    f"{where}.waybill_pattern: must use upper-case letters, digits, '-', and Faker "
                    f"placeholders '#' (digit) or '?' (letter), with at least one placeholder; got {pattern!r}"
                )
            company_defaults = self._mapping(courier.get("service_defaults", {}), f"{where}.service_defaults",
                                             optional=set(_SERVICE_FIELDS) - {"courier_service_code"})
            company_pricing = self._mapping(courier.get("pricing", {}), f"{where}.pricing", optional=_PRICING_KEYS)
            rows = courier["services"]
            if not isinstance(rows, list) or not rows:
                raise CatalogError(f"{where}.services: must be a non-empty list")
            for j, row in enumerate(rows):
                swhere = f"{where}.services[{j}]"
                scode = row.get("courier_service_code") if isinstance(row, Mapping) else None
                if isinstance(scode, str):
                    swhere = f"{swhere} ({scode})"
                row = self._mapping(row, swhere, optional=set(_SERVICE_FIELDS) | {"pricing"})
                fields = _merge(service_defaults, company_defaults, {k: v for k, v in row.items() if k != "pricing"})
                self._check_service(fields, swhere)
                if (code, fields["courier_service_code"]) in seen_services:
                    raise CatalogError(f"{swhere}: service {code}/{fields['courier_service_code']} appears twice")
                seen_services.add((code, fields["courier_service_code"]))
                layers = [pricing_defaults]
                if fields["shipping_type"] == "freight":
                    layers.append(freight_defaults)
                layers += [company_pricing,
                           self._mapping(row.get("pricing", {}), f"{swhere}.pricing", optional=_PRICING_KEYS)]
                pricing = self._pricing(_merge(*layers), f"{swhere}.pricing")
                services.append(CourierService(
                    courier_code=code,
                    courier_name=name,
                    courier_service_code=fields["courier_service_code"],
                    courier_service_name=fields["courier_service_name"],
                    description=fields["description"],
                    tier=fields["tier"],
                    service_type=fields["service_type"],
                    shipping_type=fields["shipping_type"],
                    shipment_duration_range=fields["shipment_duration_range"],
                    shipment_duration_unit=fields["shipment_duration_unit"],
                    available_collection_method=tuple(fields["available_collection_method"]),
                    available_for_cash_on_delivery=fields["available_for_cash_on_delivery"],
                    available_for_proof_of_delivery=fields["available_for_proof_of_delivery"],
                    available_for_instant_waybill_id=fields["available_for_instant_waybill_id"],
                    available_for_insurance=fields["available_for_insurance"],
                    instant=fields["instant"],
                    pricing=pricing,
                    waybill_pattern=pattern,
                ))
        return CourierCatalog(services, geography)

    # helpers -------------------------------------------------------------------------------

    @staticmethod
    def _mapping(value: Any, where: str, *, required: set[str] = frozenset(),
                 optional: set[str] = frozenset()) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise CatalogError(f"{where}: must be a mapping, got {type(value).__name__}")
        missing = sorted(required - value.keys())
        if missing:
            raise CatalogError(f"{where}: missing key(s) {', '.join(missing)}")
        unknown = sorted(str(k) for k in value.keys() - required - optional)
        if unknown:
            raise CatalogError(f"{where}: unknown key(s) {', '.join(unknown)}")
        return dict(value)

    @staticmethod
    def _string(value: Any, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise CatalogError(f"{where}: must be a non-empty string, got {value!r}")
        return value

    def _names(self, value: Any, where: str) -> dict[str, list[str]]:
        groups = self._mapping(value, where, optional=set(value) if isinstance(value, Mapping) else set())
        for name, members in groups.items():
            if not isinstance(members, list) or not members or not all(isinstance(m, str) for m in members):
                raise CatalogError(f"{where}.{name}: must be a non-empty list of names")
        return groups

    def _geography(self, value: Any) -> Geography:
        geo = self._mapping(value, "geography", required={"tariff_cities", "metro_areas", "islands"})
        tariff = self._names(geo["tariff_cities"], "geography.tariff_cities")
        metros = self._names(geo["metro_areas"], "geography.metro_areas")
        islands = self._names(geo["islands"], "geography.islands")
        for label, groups, normalize in (("metro_areas", metros, normalize_city),
                                         ("islands", islands, normalize_province)):
            owner: dict[str, str] = {}
            for name, members in groups.items():
                for member in members:
                    key = normalize(member)
                    if key in owner and owner[key] != name:
                        raise CatalogError(
                            f"geography.{label}: {member!r} is in both {owner[key]!r} and {name!r}")
                    owner[key] = name
        return Geography.build(tariff, metros, islands)

    def _check_service(self, fields: dict[str, Any], where: str) -> None:
        missing = sorted(set(_SERVICE_FIELDS) - fields.keys())
        if missing:
            raise CatalogError(f"{where}: missing key(s) {', '.join(missing)}")
        for key, kind in _SERVICE_FIELDS.items():
            value = fields[key]
            if not isinstance(value, kind) or (kind is str and not value.strip()):
                expected = {str: "a non-empty string", bool: "true or false", list: "a list"}[kind]
                raise CatalogError(f"{where}.{key}: must be {expected}, got {value!r}")
        if not _CODE.match(fields["courier_service_code"]):
            raise CatalogError(f"{where}.courier_service_code: must be a lower-case code like 'reg', "
                               f"got {fields['courier_service_code']!r}")
        for key, allowed in _ENUMS.items():
            if fields[key] not in allowed:
                raise CatalogError(f"{where}.{key}: must be one of {', '.join(allowed)}, got {fields[key]!r}")
        methods = fields["available_collection_method"]
        if not methods or any(m not in COLLECTION_METHODS for m in methods):
            raise CatalogError(f"{where}.available_collection_method: must be a non-empty list of "
                               f"{', '.join(COLLECTION_METHODS)}, got {methods!r}")
        if not _DURATION_RANGE.match(fields["shipment_duration_range"]):
            raise CatalogError(f"{where}.shipment_duration_range: must look like '1 - 3' or '2', "
                               f"got {fields['shipment_duration_range']!r}")

    def _number(self, pricing: dict[str, Any], key: str, where: str, *, minimum: float = 0,
                strict: bool = False, integer: bool = False, optional: bool = False) -> Any:
        value = pricing.get(key)
        if value is None:
            if optional:
                return None
            raise CatalogError(f"{where}: missing key {key}")
        ok = _is_number(value) and math.isfinite(value) and (value > minimum if strict else value >= minimum)
        if integer and ok:
            ok = float(value).is_integer()
        if not ok:
            kind = "an integer" if integer else "a number"
            bound = f"> {minimum}" if strict else f">= {minimum}"
            raise CatalogError(f"{where}.{key}: must be {kind} {bound}, got {value!r}")
        return int(value) if integer else value

    def _pricing(self, p: dict[str, Any], where: str) -> Pricing:
        mode = p.get("mode")
        if mode not in PRICING_MODES:
            raise CatalogError(f"{where}.mode: must be one of {', '.join(PRICING_MODES)}, got {mode!r}")
        rounding = self._number(p, "rounding", where, minimum=1, integer=True)
        rates: tuple[tuple[str, int], ...] = ()
        long_haul = 0
        base_fare = per_km = 0
        base_km = 0.0
        max_distance = None
        if mode in ("weight", "flat"):
            zones = p.get("zones", list(ZONES))
            if not isinstance(zones, list) or not zones or any(z not in ZONES for z in zones):
                raise CatalogError(f"{where}.zones: must be a non-empty list of {', '.join(ZONES)}, got {zones!r}")
            if "rates" in p:
                given = self._mapping(p["rates"], f"{where}.rates", optional=set(ZONES))
                if not given:
                    raise CatalogError(f"{where}.rates: must name at least one zone")
                table = {z: self._number(given, z, f"{where}.rates", minimum=0, strict=True, integer=True)
                         for z in given}
                base = table.get("city", min(table.values()))
            else:
                base = self._number(p, "base", where, minimum=0, strict=True, integer=True)
                factors = self._mapping(p.get("zone_factors"), f"{where}.zone_factors", required=set(ZONES))
                for z in ZONES:
                    self._number(factors, z, f"{where}.zone_factors", minimum=0, strict=True)
                if any(factors[a] > factors[b] for a, b in zip(ZONES, ZONES[1:])):
                    raise CatalogError(f"{where}.zone_factors: must not decrease from city to national")
                table = {z: math.ceil(base * factors[z] - 1e-9) for z in ZONES}
            ordered = [table[z] for z in ZONES if z in table]
            if ordered != sorted(ordered):
                raise CatalogError(f"{where}.rates: must not decrease from city to national")
            rates = tuple((z, table[z]) for z in ZONES if z in zones and z in table)
            if not rates:
                raise CatalogError(f"{where}: serves no zone (zones and rates do not overlap)")
            factor = self._number(p, "long_haul_factor", where, minimum=0)
            long_haul = math.ceil(base * factor - 1e-9)
        else:
            base_fare = self._number(p, "base_fare", where, minimum=0, strict=True, integer=True)
            base_km = self._number(p, "base_km", where, minimum=0)
            per_km = self._number(p, "per_km", where, minimum=0, integer=True)
            max_distance = self._number(p, "max_distance_km", where, minimum=0, strict=True)
        insurance = self._mapping(p.get("insurance"), f"{where}.insurance", required=_INSURANCE_KEYS)
        cod = self._mapping(p.get("cash_on_delivery"), f"{where}.cash_on_delivery", required=_COD_KEYS)
        if not isinstance(insurance["mandatory"], bool):
            raise CatalogError(f"{where}.insurance.mandatory: must be true or false, got {insurance['mandatory']!r}")
        step = self._number(p, "weight_step_kg", where, minimum=0, strict=True)
        return Pricing(
            mode=mode,
            rates=rates,
            long_haul_per_100km=long_haul,
            base_fare=base_fare,
            base_km=base_km,
            per_km=per_km,
            max_distance_km=max_distance,
            volumetric_divisor=self._number(p, "volumetric_divisor", where, minimum=0, strict=True, integer=True),
            min_weight_kg=self._number(p, "min_weight_kg", where, minimum=0),
            weight_step_kg=step,
            weight_tolerance_kg=self._number(p, "weight_tolerance_kg", where, minimum=0),
            max_weight_kg=self._number(p, "max_weight_kg", where, minimum=0, strict=True, optional=True),
            rounding=rounding,
            insurance_rate=self._number(insurance, "rate", f"{where}.insurance"),
            insurance_admin=self._number(insurance, "admin", f"{where}.insurance", integer=True),
            insurance_min=self._number(insurance, "min", f"{where}.insurance", integer=True),
            insurance_mandatory=insurance["mandatory"],
            cod_rate=self._number(cod, "rate", f"{where}.cash_on_delivery"),
            cod_min=self._number(cod, "min", f"{where}.cash_on_delivery", integer=True),
            proof_of_delivery_fee=self._number(p, "proof_of_delivery_fee", where, integer=True),
        )
