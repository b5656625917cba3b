"""Who is calling: the API key in the ``authorization`` header.

Biteship's docs disagree on the header's form (https://biteship.com/id/docs/api/authentication):
the curl example sends the raw key, the help centre sends ``Bearer <key>``, and the
text calls it HTTP Basic with the key as the password (a third-party summary says
the user name). All four forms are accepted. Only ``biteship_test.`` keys get in:
a sandbox must never look like it accepted a live key.

Each key is its own account: its ``user_id`` is derived from the key, so the same
key always sees the same data and two keys never see each other's.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import re
from dataclasses import dataclass

from .errors import AuthorizationFailed, NoAccountForKey

TEST_PREFIX = "biteship_test."
LIVE_PREFIX = "biteship_live."
_KEY = re.compile(r"^biteship_test\.[A-Za-z0-9._~+/=-]+$")


@dataclass(frozen=True, slots=True)
class Account:
    api_key: str
    user_id: str  # 24-hex, like Biteship's user ids


@functools.lru_cache(maxsize=4096)
def account_for(api_key: str) -> Account:
    return Account(api_key=api_key, user_id=hashlib.sha256(api_key.encode()).hexdigest()[:24])


def _key_from_header(header: str) -> str:
    value = header.strip()
    scheme, _, rest = value.partition(" ")
    if scheme.lower() == "bearer":
        return rest.strip()
    if scheme.lower() == "basic":
        try:
            decoded = base64.b64decode(rest.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise AuthorizationFailed(details="The Basic credentials are not valid base64.") from None
        user, _, password = decoded.partition(":")
        # Key as user name (no password) or as password: take whichever holds a key.
        for candidate in (user, password):
            if candidate.startswith((TEST_PREFIX, LIVE_PREFIX)):
                return candidate
        return user or password
    return value


def authenticate(header: str | None) -> Account:
    """The caller's account, or 401 with Biteship's auth code and a ``details`` reason."""
    if header is None or not header.strip():
        raise AuthorizationFailed(
            details="Missing authorization header: send your biteship_test. key as "
            "'authorization: <key>', 'Bearer <key>' or HTTP Basic."
        )
    key = _key_from_header(header)
    if key.startswith(LIVE_PREFIX):
        raise NoAccountForKey(
            details="biteship_live. keys are refused: this is a sandbox, use a biteship_test. key."
        )
    if not _KEY.match(key):
        raise AuthorizationFailed(
            details="Malformed key: a sandbox key starts with 'biteship_test.' followed by the token."
        )
    return account_for(key)
