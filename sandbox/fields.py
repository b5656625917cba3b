"""Marshmallow fields as strict as Biteship's JSON types.

Marshmallow's own fields coerce: ``Boolean`` takes ``1`` and ``"true"``, ``Float``
takes ``"1.5"``, ``Integer`` takes ``True``. A request the spec calls invalid must
be refused with 40011001, so these fields take only the JSON type the spec names.
"""

from __future__ import annotations

import math
import re

from marshmallow import fields


class StrictBoolean(fields.Field):
    default_error_messages = {"invalid": "Not a valid boolean."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class StrictNumber(fields.Field):
    """A JSON number (never a boolean), finite; a numeric string only where allowed."""

    default_error_messages = {"invalid": "Not a valid number."}
    integer = False
    _NUMERIC = re.compile(r"^[0-9]{1,15}(\.[0-9]+)?$")

    def __init__(self, *, numeric_string: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.numeric_string = numeric_string

    def _deserialize(self, value, attr, data, **kwargs):
        if self.numeric_string and isinstance(value, str) and self._NUMERIC.match(value):
            value = float(value) if "." in value else int(value)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.make_error("invalid")
            if self.integer:
                if not value.is_integer():
                    raise self.make_error("invalid")
                value = int(value)
        return value


class StrictInteger(StrictNumber):
    default_error_messages = {"invalid": "Not a valid integer."}
    integer = True


class PostalCode(fields.Field):
    """Five digits, as a JSON integer or (coerced, as Biteship's number fields are) a string."""

    default_error_messages = {"invalid": "Not a valid postal code: five digits expected."}
    _DIGITS = re.compile(r"^[1-9][0-9]{4}$")
    MINIMUM, MAXIMUM = 10000, 99999

    def __init__(self, **kwargs):
        super().__init__(metadata={"minimum": self.MINIMUM, "maximum": self.MAXIMUM}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and self._DIGITS.match(value):
            value = int(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or not self.MINIMUM <= value <= self.MAXIMUM:
            raise self.make_error("invalid")
        return value
