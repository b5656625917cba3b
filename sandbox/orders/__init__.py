"""Orders: the object a confirmed draft becomes (``GET /v1/orders/{id}``)."""
