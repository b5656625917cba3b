"""Draft orders: the six ``/v1/draft_orders`` endpoints."""
