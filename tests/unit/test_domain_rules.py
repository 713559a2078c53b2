"""Pure rules of the domain: models, codes, keys and DynamoDB helpers (no AWS)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from portal_access.dal import keys
from portal_access.dal.dynamodb import decode_cursor, deserialize, encode_cursor, serialize
from portal_access.domain.codes import code_matches, hash_code
from portal_access.domain.errors import InvalidInput
from portal_access.domain.ids import new_id, new_sortable_id
from portal_access.models.contacts import ContactCreate, ContactPatch, PortalAccess


class TestPortalAccess:
    def test_all_sites_needs_no_list(self):
        assert PortalAccess(all_sites=True).site_ids == []

    def test_all_sites_with_a_list_is_contradictory(self):
        with pytest.raises(ValidationError, match="site_ids must be empty"):
            PortalAccess(all_sites=True, site_ids=["1"])

    def test_roles_only_for_granted_sites_or_the_account(self):
        PortalAccess(all_sites=False, site_ids=["1"], roles={"1": ["Role 1"], "account": ["Role 2"]})
        with pytest.raises(ValidationError, match="roles names sites not granted: 2"):
            PortalAccess(all_sites=False, site_ids=["1"], roles={"2": ["Role 1"]})

    def test_unknown_field_is_rejected(self):
        with pytest.raises(ValidationError, match=r"Extra inputs"):
            PortalAccess.model_validate({"all_sites": True, "everything": True})


class TestContactInputs:
    def test_site_level_needs_a_site(self):
        with pytest.raises(ValidationError, match="site_id is required"):
            ContactCreate(level="site", name="A")

    def test_email_is_validated_and_whitespace_stripped(self):
        assert ContactCreate(name="  A  ", email="a@example.com").name == "A"
        with pytest.raises(ValidationError):
            ContactCreate(name="A", email="a@")

    def test_patch_keeps_only_what_was_sent(self):
        assert ContactPatch.model_validate({"title": None, "mobile_opt_out": True}).changes() == {
            "title": None,
            "mobile_opt_out": True,
        }

    @pytest.mark.parametrize("field", ["name", "enable_portal_access", "billing_contact"])
    def test_patch_cannot_null_a_required_field(self, field):
        with pytest.raises(ValidationError, match=f"{field} cannot be null"):
            ContactPatch.model_validate({field: None})

    def test_empty_patch_is_rejected(self):
        with pytest.raises(ValidationError, match="at least one"):
            ContactPatch.model_validate({})


class TestCodes:
    def test_code_matches_ignoring_case_and_spaces(self):
        stored = hash_code("QP-7731")
        assert code_matches(" qp-7731 ", stored)
        assert not code_matches("QP-7732", stored)

    def test_hash_is_not_the_code(self):
        assert "7731" not in hash_code("QP-7731")


class TestKeys:
    def test_address_key_folds_case_punctuation_and_zip_plus_four(self):
        assert keys.address_key("425 Rice St.", "55103-2123") == keys.address_key("425  rice st", "55103")

    def test_ids_are_unique_and_sortable_ids_sort_by_time(self):
        assert new_id("ct") != new_id("ct")
        earlier, later = new_sortable_id("act"), new_sortable_id("act")
        assert earlier < later


class TestDynamoHelpers:
    def test_round_trip_drops_nones_and_keeps_numbers(self):
        item = {"a": "x", "b": None, "n": 3, "d": 2.5, "m": {"k": [1, "two"]}}
        typed = serialize(item)
        assert "b" not in typed
        assert typed["d"] == {"N": "2.5"}
        assert deserialize(typed) == {"a": "x", "n": 3, "d": Decimal("2.5"), "m": {"k": [1, "two"]}}

    def test_cursor_round_trip(self):
        key = serialize({"pk": "ACCOUNT#1", "sk": "SITE#2"})
        cursor = encode_cursor(key)
        assert cursor is not None
        assert decode_cursor(cursor) == key
        assert encode_cursor(None) is None

    @pytest.mark.parametrize("cursor", ["!!!", "bm90IGpzb24", "WzEsMl0"])
    def test_foreign_cursor_is_invalid_input(self, cursor):
        with pytest.raises(InvalidInput) as error:
            decode_cursor(cursor)
        assert error.value.field == "cursor"
