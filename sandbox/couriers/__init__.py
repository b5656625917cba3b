"""Courier catalog (fixtures/couriers.yaml) and the deterministic pricing model built on it.

``service`` loads and holds the catalog; ``pricing`` quotes a route against it. Neither knows
about Flask, the store or draft orders.
"""
