"""Same seed and same requests: the same ids and generated values."""

from __future__ import annotations

from support import KEY, OTHER_KEY, Api

from sandbox import create_app


def _flow(app, key=KEY) -> list:
    api = Api(app.test_client(), key)
    draft = api.create_draft(courier_company="sicepat", courier_type="reg").get_json()
    order = api.confirm(draft["id"]).get_json()
    return [draft["id"], draft["invoice_id"], order["id"], order["courier"]["waybill_id"], order["courier"]["tracking_id"]]


def test_same_seed_same_values():
    assert _flow(create_app({"SEED": 5})) == _flow(create_app({"SEED": 5}))


def test_another_seed_other_values():
    assert _flow(create_app({"SEED": 5})) != _flow(create_app({"SEED": 6}))


def test_other_keys_do_not_shift_my_values():
    quiet = create_app({"SEED": 5})
    busy = create_app({"SEED": 5})
    _flow(busy, OTHER_KEY)
    assert _flow(quiet) == _flow(busy)


def test_a_restart_never_repeats_an_id(tmp_path):
    db = str(tmp_path / "db.json")
    first = _flow(create_app({"SEED": 5, "DB": db}))
    second = _flow(create_app({"SEED": 5, "DB": db}))
    assert not set(first) & set(second)
