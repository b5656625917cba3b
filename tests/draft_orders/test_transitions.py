"""The draft status machine, without HTTP."""

from __future__ import annotations

import pytest

from sandbox import errors
from sandbox.draft_orders.service import DELETABLE, TRANSITIONS, transition


def test_the_documented_moves_are_declared():
    assert (None, "placed") in TRANSITIONS and (None, "ready") in TRANSITIONS
    assert ("placed", "ready") in TRANSITIONS
    assert ("ready", "placed") in TRANSITIONS  # instant courier moved off coordinates
    assert ("ready", "confirmed") in TRANSITIONS
    assert not [move for move in TRANSITIONS if move[0] == "confirmed"]
    assert DELETABLE == {"placed": True, "ready": True, "confirmed": False}


def test_transition_stamps_the_new_status():
    draft = {"id": "d", "status": "placed", "ready_at": None}
    transition(draft, "ready", "2024-09-19T03:40:22.810Z")
    assert draft == {"id": "d", "status": "ready", "ready_at": "2024-09-19T03:40:22.810Z"}


@pytest.mark.parametrize(
    "frm, to, error",
    [("placed", "confirmed", errors.DraftOrderNotReady), ("confirmed", "ready", errors.DraftOrderConfirmed)],
)
def test_illegal_moves_raise_biteship_errors(frm, to, error):
    with pytest.raises(error):
        transition({"id": "d", "status": frm}, to, "now")
