"""DELETE /v1/draft_orders/{id}"""

from __future__ import annotations

import pytest
from support import OTHER_KEY, assert_error


@pytest.mark.parametrize("courier", [{}, {"courier_company": "sicepat", "courier_type": "reg"}])
def test_delete_placed_or_ready(api, courier):
    draft_id = api.create_draft_id(**courier)
    response = api.delete_draft(draft_id)
    assert response.status_code == 200
    assert response.get_json() == {
        "success": True,
        "message": "Draft order successfully deleted",
        "object": "draft_order",
        "id": draft_id,
    }
    assert_error(api.retrieve_draft(draft_id), 404, 40411007, f"Draft order with 'id={draft_id}' is not found.")
    assert_error(api.delete_draft(draft_id), 404, 40411007, f"Draft order with 'id={draft_id}' is not found.")


def test_delete_a_confirmed_draft(api):
    draft_id = api.ready_draft_id()
    api.confirm(draft_id)
    assert_error(api.delete_draft(draft_id), 422, 42211006, f"Draft order with 'id={draft_id}' has been confirmed.")
    assert api.retrieve_draft(draft_id).status_code == 200


def test_delete_frees_the_reference_id(api):
    draft_id = api.create_draft_id(reference_id="again")
    api.delete_draft(draft_id)
    assert api.create_draft(reference_id="again").status_code == 201


def test_another_key_cannot_delete(api):
    draft_id = api.create_draft_id()
    assert_error(api.as_key(OTHER_KEY).delete_draft(draft_id), 404, 40411007, f"Draft order with 'id={draft_id}' is not found.")
    assert api.retrieve_draft(draft_id).status_code == 200
