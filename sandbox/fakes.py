"""The only source of generated values: ids, invoice and waybill numbers, names, and time.

Every generated value depends only on ``(seed, user_id, sequence, what)``: the
sequence is the account's own counter, kept in the store. So the same ``--seed``
and the same requests from one key give the same ids, whatever other keys do
meanwhile, and a restart never repeats an id (the counter survives it).

Ids and numbers (uuid, 24-hex, invoice digits) are read straight from a BLAKE2b
hash of that key; text that must look Indonesian (names, phones, plates, waybills)
comes from one ``Faker`` (``id_ID`` locale) re-seeded from the same key. A re-seed
costs about 6 µs (SHA-512 plus a Mersenne Twister set-up), a hash 1 to 2 µs, and a
create or confirm needs two to four ids.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import datetime, timedelta, timezone

from faker import Faker

JAKARTA = timezone(timedelta(hours=7))


class _Setting:
    __slots__ = ("frozen_at", "offset")

    def __init__(self, frozen_at: datetime | None, offset: timedelta) -> None:
        self.frozen_at = frozen_at
        self.offset = offset

    def now(self) -> datetime:
        return (self.frozen_at or datetime.now(timezone.utc)) + self.offset


class Clock:
    """Wall-clock time in UTC; the control plane may freeze, set or shift it.

    Each API key has its own clock (``POST /_sandbox/clock`` moves only the caller's),
    so tests sharing one sandbox cannot move each other's timestamps. A key that never
    touched its clock follows the app-wide one (``frozen_at``/``offset`` here).
    """

    def __init__(self) -> None:
        self.frozen_at: datetime | None = None
        self.offset = timedelta(0)
        self._keys: dict[str, _Setting] = {}
        self._lock = threading.Lock()

    def _setting(self, account) -> _Setting | None:
        return self._keys.get(account.user_id) if account is not None else None

    def now(self, account=None) -> datetime:
        """Now for ``account`` (any object with ``user_id``), or the app-wide now."""
        setting = self._setting(account)
        if setting is not None:
            return setting.now()
        base = self.frozen_at or datetime.now(timezone.utc)
        return base + self.offset

    def frozen(self, account=None) -> bool:
        setting = self._setting(account)
        return (setting.frozen_at if setting is not None else self.frozen_at) is not None

    def adjust(
        self,
        account,
        *,
        freeze: bool | None = None,
        set_to: datetime | None = None,
        advance: timedelta | None = None,
    ) -> datetime:
        """Freeze or unfreeze, then set, then advance the key's clock; returns its new now."""
        with self._lock:
            setting = self._keys.get(account.user_id)
            if setting is None:
                setting = self._keys[account.user_id] = _Setting(self.frozen_at, self.offset)
            if freeze is True and setting.frozen_at is None:
                setting.frozen_at, setting.offset = setting.now(), timedelta(0)
            elif freeze is False and setting.frozen_at is not None:
                setting.offset = setting.now() - datetime.now(timezone.utc)
                setting.frozen_at = None
            if set_to is not None:
                if setting.frozen_at is not None:
                    setting.frozen_at, setting.offset = set_to, timedelta(0)
                else:
                    setting.offset = set_to - datetime.now(timezone.utc)
            if advance is not None:
                setting.offset += advance
            return setting.now()

    def reset(self, account=None) -> None:
        """Back to the wall clock: the key's own clock, or (no account) every clock."""
        with self._lock:
            if account is not None:
                self._keys.pop(account.user_id, None)
            else:
                self._keys.clear()
                self.frozen_at, self.offset = None, timedelta(0)


def iso_utc(moment: datetime) -> str:
    """Draft timestamps: UTC with milliseconds, ``2024-09-19T03:40:22.810Z``."""
    moment = moment.astimezone(timezone.utc)
    # %Y does not pad years below 1000 on every platform; format the year by hand.
    return f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def iso_jakarta(moment: datetime) -> str:
    """Order history ``updated_at``: local time with offset, ``2021-01-11T14:03:41+07:00``."""
    moment = moment.astimezone(JAKARTA)
    return f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M:%S+07:00")


def iso_jakarta_minutes(moment: datetime) -> str:
    """Order ``delivery.datetime``: local time, no seconds, ``2024-09-19T11:07+07:00``."""
    moment = moment.astimezone(JAKARTA)
    return f"{moment.year:04d}" + moment.strftime("-%m-%dT%H:%M+07:00")


class Fakes:
    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._faker = Faker("id_ID")
        self._lock = threading.Lock()

    def record(self, user_id: str, sequence: int) -> "Generated":
        """A generator whose values depend only on (seed, user_id, sequence)."""
        return Generated(self, f"{self.seed}/{user_id}/{sequence}")


class Generated:
    """Values for one record. Each value is derived from the record's key plus the
    value's name, so adding a new kind of value never shifts the others."""

    def __init__(self, fakes: Fakes, key: str) -> None:
        self._fakes = fakes
        self._key = key

    def _faker(self, what: str) -> Faker:
        faker = self._fakes._faker
        faker.seed_instance(f"{self._key}/{what}")
        return faker

    def _with(self, what: str, make):
        with self._fakes._lock:
            return make(self._faker(what))

    def _bits(self, what: str) -> int:
        """128 bits that depend only on the record's key and ``what``."""
        return int.from_bytes(hashlib.blake2b(f"{self._key}/{what}".encode(), digest_size=16).digest())

    def uuid4(self, what: str = "id") -> str:
        return str(uuid.UUID(int=self._bits(what), version=4))

    def hex24(self, what: str) -> str:
        return f"{self._bits(what) >> 32:024x}"

    def digits(self, what: str, count: int) -> str:
        """``count`` digits, the first not 0 (``count`` up to 38)."""
        low = 10 ** (count - 1)
        return str(low + self._bits(what) % (10**count - low))

    def bothify(self, what: str, pattern: str) -> str:
        return self._with(what, lambda f: f.bothify(pattern).upper())

    def name(self, what: str) -> str:
        return self._with(what, lambda f: f.name())

    def phone(self, what: str) -> str:
        return self._with(what, lambda f: f.numerify("08##########"))

    def license_plate(self, what: str) -> str:
        return self._with(what, lambda f: f.bothify("B #### ???").upper())
