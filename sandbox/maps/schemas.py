"""Maps on the wire: the area search query (marshmallow) and its response envelope.

The query parameters and their limits must match ``openapi.yaml`` (``retrieve_areas``).
Biteship documents ``countries=ID``, free-text ``input`` and ``type=single``
(https://biteship.com/id/docs/api/maps/search_area) but no error for them, so a bad
parameter is answered with the sandbox code of that parameter (module 99, see
``sandbox/errors.py``) instead of the draft module's 40011001.
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from .. import errors
from .service import Area

COUNTRIES = ("ID",)
TYPES = ("single",)
INPUT_MAX_LENGTH = 200

COUNTRY_NAME = "Indonesia"
COUNTRY_CODE = "ID"

# The first invalid parameter, in this order, names the error; details list them all.
_ERRORS = (
    ("input", errors.AreaSearchInputInvalid),
    ("countries", errors.AreaSearchCountryNotSupported),
    ("type", errors.AreaSearchTypeNotSupported),
)


class AreaSearchQuery(Schema):
    """``GET /v1/maps/areas`` query parameters (first value of each; others ignored)."""

    class Meta:
        unknown = EXCLUDE

    countries = fields.String(required=True, validate=validate.OneOf(COUNTRIES))
    input = fields.String(required=True, validate=validate.Length(min=1, max=INPUT_MAX_LENGTH))
    type = fields.String(load_default="single", validate=validate.OneOf(TYPES))

    def handle_error(self, error, data, **kwargs):
        messages = error.messages if isinstance(error.messages, dict) else {"query": error.messages}
        for name, exception in _ERRORS:
            if name in messages:
                raise exception(details=messages)
        raise errors.BadRequest(details=messages)  # pragma: no cover - every field is listed above


def area(a: Area) -> dict:
    """One entry of ``areas``, keys in the docs' order; no level 4 in maps results."""
    return {
        "id": a.id,
        "name": a.name,
        "country_name": COUNTRY_NAME,
        "country_code": COUNTRY_CODE,
        "administrative_division_level_1_name": a.province_name,
        "administrative_division_level_1_type": "province",
        "administrative_division_level_2_name": a.city_name,
        "administrative_division_level_2_type": "city",
        "administrative_division_level_3_name": a.district_name,
        "administrative_division_level_3_type": "district",
        "postal_code": a.postal_code,
    }


def areas(found: list[Area]) -> dict:
    """The search response: neither ``code`` nor ``object`` (fact sheet §1.4, §9)."""
    return {"success": True, "areas": [area(a) for a in found]}
