"""Durability under concurrency, over real HTTP against the real CLI (``python -m
sandbox``) on a store file: 16 clients create, update and confirm at once; nothing
acknowledged is lost, no id is duplicated, every draft is in a legal state, and a
server killed with SIGKILL in the middle of that load restarts with every write it
answered 2xx.

The load: clients that create, update and confirm drafts, and remember every
answer the server acknowledged.

Each client owns its drafts, so "the last acknowledged state" of a draft is well
defined; clients share keys (four clients per key), so one account's counters and
reference ids are contended. Besides, every few rounds two clients race to confirm
the same ready draft: exactly one may win.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from support import draft_payload
from server import running_server

DRAFT = draft_payload()
COURIER = {"courier_company": "sicepat", "courier_type": "reg"}
KEYS = [f"biteship_test.durability-{n}" for n in range(4)]


class Unanswered(Exception):
    """The connection broke before an answer (server killed): the outcome is unknown."""


class Client:
    def __init__(self, port: int, key: str):
        self.port, self.key = port, key
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        headers = {"authorization": self.key}
        data = None
        if body is not None:
            data = json.dumps(body)
            headers["content-type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            resp = self.conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            raise Unanswered(str(exc)) from None
        return resp.status, json.loads(raw)


@dataclass
class Acked:
    """What the server acknowledged (2xx) for one draft, and what was in flight."""

    key: str
    status: str
    courier: tuple | None
    order_id: str | None = None
    reference_id: str | None = None
    in_flight: str | None = None  # "update" / "confirm" sent, answer not received


@dataclass
class Ledger:
    drafts: dict[str, Acked] = field(default_factory=dict)
    created_ids: list[str] = field(default_factory=list)
    order_ids: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    race_wins: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _courier(draft: dict) -> tuple | None:
    c = draft["courier"]
    return (c["company"], c["type"]) if c["company"] else None


def client_loop(port: int, key: str, n: int, ledger: Ledger, stop: threading.Event) -> None:
    """One client: create -> (update) -> confirm, on its own drafts, until ``stop``."""
    client = Client(port, key)
    round_ = 0
    while not stop.is_set():
        round_ += 1
        try:
            with_courier = round_ % 2 == 0
            body = dict(DRAFT, reference_id=f"c{n}-r{round_}", **(COURIER if with_courier else {}))
            status, draft = client.call("POST", "/v1/draft_orders", body)
            _check(ledger, status, draft, "create")
            if status != 201:
                continue
            acked = Acked(key, draft["status"], _courier(draft), reference_id=draft["reference_id"])
            with ledger.lock:
                ledger.created_ids.append(draft["id"])
                ledger.drafts[draft["id"]] = acked
            if not with_courier:
                acked.in_flight = "update"
                status, draft = client.call("POST", f"/v1/draft_orders/{draft['id']}", COURIER)
                _check(ledger, status, draft, "update")
                acked.in_flight = None
                if status != 200:
                    continue
                acked.status, acked.courier = draft["status"], _courier(draft)
            if round_ % 3 == 0:
                continue  # leave some drafts ready
            acked.in_flight = "confirm"
            status, order = client.call("POST", f"/v1/draft_orders/{draft['id']}/confirm")
            _check(ledger, status, order, "confirm")
            acked.in_flight = None
            if status == 200:
                acked.status, acked.order_id = "confirmed", order["id"]
                with ledger.lock:
                    ledger.order_ids.append(order["id"])
        except Unanswered:
            if stop.is_set():
                return
            time.sleep(0.05)


def race_confirm(port: int, key: str, ledger: Ledger, rounds: int) -> None:
    """Two clients confirm the same ready draft at the same moment, ``rounds`` times."""
    for _ in range(rounds):
        status, draft = Client(port, key).call("POST", "/v1/draft_orders", dict(DRAFT, **COURIER))
        assert status == 201, draft
        with ledger.lock:
            ledger.created_ids.append(draft["id"])
            ledger.drafts[draft["id"]] = acked = Acked(key, "ready", _courier(draft))
        go = threading.Barrier(2)
        answers: list[tuple[int, dict]] = []

        def confirm() -> None:
            c = Client(port, key)
            go.wait()
            answers.append(c.call("POST", f"/v1/draft_orders/{draft['id']}/confirm"))

        threads = [threading.Thread(target=confirm) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wins = [body for status, body in answers if status == 200]
        for status, body in answers:
            _check(ledger, status, body, "race confirm")
        with ledger.lock:
            ledger.race_wins.append(len(wins))
            if wins:
                acked.status, acked.order_id = "confirmed", wins[0]["id"]
                ledger.order_ids.append(wins[0]["id"])


def _check(ledger: Ledger, status: int, body: dict, what: str) -> None:
    if status >= 500:
        with ledger.lock:
            ledger.server_errors.append(f"{what}: {status} {body}")
    elif status >= 300 and what != "race confirm":
        with ledger.lock:
            ledger.unexpected.append(f"{what}: {status} {body}")


def run_load(port: int, clients: int = 16) -> tuple[Ledger, list[threading.Thread], threading.Event]:
    """Start ``clients`` looping clients; the caller sets the event to stop them."""
    ledger, stop = Ledger(), threading.Event()
    threads = [
        threading.Thread(target=client_loop, args=(port, KEYS[n % len(KEYS)], n, ledger, stop), daemon=True)
        for n in range(clients)
    ]
    for t in threads:
        t.start()
    return ledger, threads, stop


def legal(draft: dict) -> str | None:
    """Why a stored draft is in an illegal state, or None."""
    status, courier, order_id = draft["status"], draft["courier"], draft["order_id"]
    if status == "placed":
        if courier["company"] or courier["type"] or order_id is not None or draft["price"] != 0:
            return "placed draft with a courier, a price or an order"
    elif status == "ready":
        if not (courier["company"] and courier["type"]) or order_id is not None or draft["price"] <= 0:
            return "ready draft without a courier or price, or with an order"
    elif status == "confirmed":
        if not (courier["company"] and courier["type"]) or not order_id or not draft["confirmed_at"]:
            return "confirmed draft without courier, order id or confirmed_at"
    else:
        return f"unknown status {status!r}"
    return None


def verify(port: int, ledger: Ledger, *, crashed: bool = False) -> list[str]:
    """Every acknowledged draft is stored in its last acknowledged state (after a
    crash, a write that was in flight may have landed too), legal, and its order
    exists once."""
    problems: list[str] = []
    orders: dict[str, str] = {}
    clients = {key: Client(port, key) for key in KEYS}
    for draft_id, acked in ledger.drafts.items():
        status, draft = clients[acked.key].call("GET", f"/v1/draft_orders/{draft_id}")
        if status != 200:
            problems.append(f"{draft_id}: acknowledged {acked.status}, now answered {status} {draft}")
            continue
        if why := legal(draft):
            problems.append(f"{draft_id}: {why}: {draft}")
        allowed = {acked.status}
        if crashed and acked.in_flight == "update":
            allowed.add("ready")
        if crashed and acked.in_flight == "confirm":
            allowed.add("confirmed")
        if draft["status"] not in allowed:
            problems.append(f"{draft_id}: acknowledged {acked.status}, stored {draft['status']}")
        elif draft["status"] == acked.status:
            if _courier(draft) != acked.courier:
                problems.append(f"{draft_id}: acknowledged courier {acked.courier}, stored {_courier(draft)}")
            if acked.order_id and draft["order_id"] != acked.order_id:
                problems.append(f"{draft_id}: acknowledged order {acked.order_id}, stored {draft['order_id']}")
        if acked.reference_id and draft["reference_id"] != acked.reference_id:
            problems.append(f"{draft_id}: reference_id {acked.reference_id} became {draft['reference_id']}")
        if draft["order_id"]:
            if draft["order_id"] in orders:
                problems.append(f"order {draft['order_id']} belongs to {orders[draft['order_id']]} and {draft_id}")
            orders[draft["order_id"]] = draft_id
            status, order = clients[acked.key].call("GET", f"/v1/orders/{draft['order_id']}")
            if status != 200 or order.get("draft_order_id") != draft_id:
                problems.append(f"{draft_id}: its order {draft['order_id']} answered {status} {order}")
    return problems


def _port(base_url: str) -> int:
    return urlsplit(base_url).port


def _stop(threads: list[threading.Thread], stop: threading.Event) -> None:
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a client hung"


def test_sixteen_concurrent_clients_lose_nothing_and_duplicate_nothing(tmp_path):
    db = tmp_path / "store.json"
    with running_server("--db", str(db)) as (base_url, _):
        port = _port(base_url)
        ledger, threads, stop = run_load(port)
        try:
            race_confirm(port, KEYS[0], ledger, rounds=6)
            time.sleep(2.5)
        finally:
            _stop(threads, stop)

        assert ledger.server_errors == []
        assert ledger.unexpected == []
        assert ledger.race_wins == [1] * 6, "two confirms of one draft: exactly one must win"
        assert len(ledger.drafts) >= 32, f"the load made only {len(ledger.drafts)} drafts"
        assert sum(a.status == "confirmed" for a in ledger.drafts.values()) >= 8
        assert len(set(ledger.created_ids)) == len(ledger.created_ids), "a draft id was handed out twice"
        assert len(set(ledger.order_ids)) == len(ledger.order_ids), "an order id was handed out twice"
        assert verify(port, ledger) == []

    # The same, read back by a fresh process from the file.
    with running_server("--db", str(db)) as (base_url, _):
        assert verify(_port(base_url), ledger) == []


def test_sigkill_during_the_load_keeps_every_acknowledged_write(tmp_path):
    db = tmp_path / "store.json"
    with running_server("--db", str(db)) as (base_url, process):
        ledger, threads, stop = run_load(_port(base_url))
        try:
            time.sleep(1.5)
            process.kill()  # SIGKILL, with requests in flight
            process.wait()
        finally:
            _stop(threads, stop)
    assert ledger.server_errors == []
    assert len(ledger.drafts) >= 16, f"the load made only {len(ledger.drafts)} drafts before the kill"

    with running_server("--db", str(db)) as (base_url, process):
        port = _port(base_url)
        assert verify(port, ledger, crashed=True) == []
        # Still writable, and ids keep counting from where the journal left off.
        status, draft = Client(port, KEYS[0]).call("POST", "/v1/draft_orders", DRAFT)
        assert status == 201, draft
        assert draft["id"] not in ledger.drafts
        assert Client(port, KEYS[0]).call("GET", f"/v1/draft_orders/{draft['id']}")[0] == 200
