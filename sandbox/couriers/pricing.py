"""The deterministic pricing model: which catalog services serve a route, and at what price.

Knows the catalog (``service``) and the plain Rates API's pricing entry (fact sheet §3.3/§6.1).
Knows nothing about HTTP, the store, draft orders or the area dataset: callers resolve both
sides of a route to ``Place`` values first. No randomness anywhere: the same inputs always
give the same list. The model is explained in fixtures/couriers.md.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable, Mapping

from sandbox.couriers.service import CourierCatalog, CourierService, Geography, normalize_province

EARTH_RADIUS_KM = 6371.0
LONG_HAUL_ZONES = ("island", "national")


@dataclass(frozen=True, slots=True)
class Place:
    """One side of a route."""

    latitude: float  # area centroid, or the client's coordinate when sent
    longitude: float
    has_coordinate: bool  # the client sent a coordinate for this side
    city_name: str
    province_name: str
    postal_code: int


def distance_km(a: Place, b: Place) -> float:
    """Great-circle (haversine, R = 6371.0 km) distance, rounded to 2 decimals."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return round(2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h))), 2)


def route_zone(geography: Geography, origin: Place, destination: Place) -> str:
    """city < metro < province < island < national: the narrowest group holding both sides."""
    same_province = normalize_province(origin.province_name) == normalize_province(destination.province_name)
    if same_province and geography.tariff_city(origin.city_name) == geography.tariff_city(destination.city_name):
        return "city"
    metro = geography.metro_area(origin.city_name)
    if metro is not None and metro == geography.metro_area(destination.city_name):
        return "metro"
    if same_province:
        return "province"
    island = geography.island(origin.province_name)
    if island is not None and island == geography.island(destination.province_name):
        return "island"
    return "national"


@functools.lru_cache(maxsize=4096, typed=True)  # typed: True and 1 are different inputs
def _exact(value: Any) -> Fraction:
    """A JSON number as an exact fraction (0.3 stays 3/10); missing or null counts as 0.

    Cached: the catalog's constants come back on every quote, and parsing a float's
    text into a Fraction was a fifth of a rates call."""
    if value is None or isinstance(value, bool):
        return Fraction(0)
    if isinstance(value, int):
        return Fraction(value)
    return Fraction(str(value))


def _round_up(amount: Fraction | int, unit: int) -> int:
    if isinstance(amount, int):
        return -(-amount // unit) * unit
    return math.ceil(amount / unit) * unit


class _Load:
    """The items' exact weights, read once per quote: Fraction arithmetic is the slow
    part of pricing, and each volumetric divisor needs its sum only once."""

    def __init__(self, items: list[dict]):
        self._items = [
            (
                _exact(i.get("quantity", 1)),
                _exact(i.get("weight")) / 1000,
                _exact(i.get("length")) * _exact(i.get("width")) * _exact(i.get("height")),
            )
            for i in items
        ]
        self._chargeable: dict[int, Fraction] = {}
        self._billable: dict[tuple, Fraction] = {}

    def chargeable_kg(self, divisor: int) -> Fraction:
        if divisor not in self._chargeable:
            self._chargeable[divisor] = sum(
                (quantity * max(actual, volume / divisor) for quantity, actual, volume in self._items), Fraction(0)
            )
        return self._chargeable[divisor]

    def billable_kg(self, p) -> Fraction:
        """The chargeable weight less the tolerance, rounded up to the step, at least the
        minimum; computed once per distinct rule (many services share one)."""
        rule = (p.volumetric_divisor, p.weight_tolerance_kg, p.weight_step_kg, p.min_weight_kg)
        if rule not in self._billable:
            step = _exact(p.weight_step_kg)
            over = self.chargeable_kg(p.volumetric_divisor) - _exact(p.weight_tolerance_kg)
            self._billable[rule] = max(_exact(p.min_weight_kg), math.ceil(over / step) * step)
        return self._billable[rule]


def chargeable_weight_kg(service: CourierService, items: list[dict] | _Load) -> Fraction:
    """Sum over items of quantity × max(actual, volumetric) weight, in kg, before rounding."""
    load = items if isinstance(items, _Load) else _Load(items)
    return load.chargeable_kg(service.pricing.volumetric_divisor)


def billable_weight_kg(service: CourierService, items: list[dict] | _Load) -> Fraction:
    """The chargeable weight less the courier's tolerance, rounded up to its step, at least its minimum."""
    load = items if isinstance(items, _Load) else _Load(items)
    return load.billable_kg(service.pricing)


def declared_value(items: list[dict]) -> Fraction:
    """Sum of items[].value × items[].quantity (J&T Cargo's declared goods value)."""
    return sum((_exact(i.get("value")) * _exact(i.get("quantity", 1)) for i in items), Fraction(0))


def proof_of_delivery_fee(service: CourierService) -> int:
    """The POD fee the service charges when proof of delivery is asked for (0 if unsupported)."""
    return service.pricing.proof_of_delivery_fee if service.available_for_proof_of_delivery else 0


def _shipping_fee(service: CourierService, zone: str, km: float, items: list[dict] | _Load) -> int | None:
    """The bare shipping fee, or None when the service does not serve this route/load."""
    p = service.pricing
    if p.max_weight_kg is not None and chargeable_weight_kg(service, items) > _exact(p.max_weight_kg):
        return None
    if p.mode == "distance":
        if km > p.max_distance_km:
            return None
        beyond = max(Fraction(0), _exact(km) - _exact(p.base_km))
        return _round_up(p.base_fare + p.per_km * math.ceil(beyond), p.rounding)
    rate = p.rate(zone)
    if rate is None:
        return None
    if zone in LONG_HAUL_ZONES:
        rate += p.long_haul_per_100km * math.floor(km / 100)
    if p.mode == "flat":
        return _round_up(rate, p.rounding)
    return _round_up(rate * billable_weight_kg(service, items), p.rounding)


def quote(
    catalog: CourierCatalog,
    origin: Place,
    destination: Place,
    items: list[dict],
    *,
    insurance: int | float | None = None,
    cash_on_delivery: int | float | None = None,
    proof_of_delivery: bool = False,
    metro_areas: Mapping[str, Iterable[str]] | None = None,
    services: Iterable[CourierService] | None = None,
) -> list[dict]:
    """The rates body's ``pricing`` list for this route: one entry per offered service, catalog order.

    ``services`` limits the quote to those services (pricing a draft's chosen courier
    needs only its own entry)."""
    geography = catalog.geography
    if metro_areas is not None:
        geography = geography.with_metro_areas({k: list(v) for k, v in metro_areas.items()})
    zone = route_zone(geography, origin, destination)
    km = distance_km(origin, destination)
    both_coordinates = origin.has_coordinate and destination.has_coordinate
    metro = geography.metro_area(origin.city_name)
    same_metro = metro is not None and metro == geography.metro_area(destination.city_name)
    goods_value = declared_value(items)
    load = _Load(items)
    pricing: list[dict] = []
    for service in catalog.services() if services is None else services:
        p = service.pricing
        # Rates docs: instant couriers need coordinates on both sides.
        if service.instant and not both_coordinates:
            continue
        if service.service_type == "same_day" and not service.instant and not same_metro:
            continue
        # Rates docs: jntcargo is silently left out when the declared goods value is zero.
        if p.insurance_mandatory and goods_value <= 0:
            continue
        shipping_fee = _shipping_fee(service, zone, km, load)
        if shipping_fee is None:
            continue
        if proof_of_delivery:
            shipping_fee += proof_of_delivery_fee(service)
        insured = Fraction(0)
        if p.insurance_mandatory:
            insured = goods_value  # courier_insurance is ignored for mandatory insurance
        elif service.available_for_insurance and insurance is not None and insurance > 0:
            insured = _exact(insurance)
        insurance_fee = 0
        if insured > 0:
            insurance_fee = max(p.insurance_min,
                                _round_up(insured * _exact(p.insurance_rate) + p.insurance_admin, p.rounding))
        cod_fee = 0
        if service.available_for_cash_on_delivery and cash_on_delivery is not None and cash_on_delivery > 0:
            cod_fee = max(p.cod_min, _round_up(_exact(cash_on_delivery) * _exact(p.cod_rate), p.rounding))
        pricing.append(_entry(service, shipping_fee, insurance_fee, cod_fee))
    return pricing


def _entry(service: CourierService, shipping_fee: int, insurance_fee: int, cod_fee: int) -> dict:
    """One pricing entry, keys in the order of the Rates docs' example."""
    return {
        "available_collection_method": list(service.available_collection_method),
        "available_for_cash_on_delivery": service.available_for_cash_on_delivery,
        "available_for_proof_of_delivery": service.available_for_proof_of_delivery,
        "available_for_instant_waybill_id": service.available_for_instant_waybill_id,
        "available_for_insurance": service.available_for_insurance,
        "company": service.courier_code,
        "courier_name": service.courier_name,
        "courier_code": service.courier_code,
        "courier_service_name": service.courier_service_name,
        "courier_service_code": service.courier_service_code,
        "currency": "IDR",
        "description": service.description,
        "duration": service.duration,
        "shipment_duration_range": service.shipment_duration_range,
        "shipment_duration_unit": service.shipment_duration_unit,
        "service_type": service.service_type,
        "shipping_type": service.shipping_type,
        "shipping_fee": shipping_fee,
        "shipping_fee_discount": 0,
        "shipping_fee_surcharge": 0,
        "insurance_fee": insurance_fee,
        "cash_on_delivery_fee": cod_fee,
        "price": shipping_fee + insurance_fee + cod_fee,
        "tax_lines": [],
        "type": service.courier_service_code,
    }
