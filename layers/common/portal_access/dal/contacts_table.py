"""ContactsTable: one item per contact (contact_id); its stream feeds auto-invite.

Indexes: by_account (account_id, created_key) for the Contacts grid, by_email (email_key,
account_id) for self-registration and invitations, by_login (login_id, account_id) for what a
portal login may see, by_account_login (account_id, login_id) for the access review.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import takewhile
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portal_access.dal import keys
from portal_access.dal.dynamodb import (
    Item,
    TransactOp,
    batch_get,
    deserialize,
    encode_cursor,
    is_condition_failure,
    put_new_op,
    query_page,
    query_up_to,
    serialize,
)
from portal_access.domain.errors import AlreadyExists, NotFound, VersionMismatch
from portal_access.models.common import normalized_email
from portal_access.models.contacts import Contact

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

_INDEX_FIELDS = ("created_key", "email_key")
MAX_CONTACTS_PER_LOGIN = 100  # one GSI page: what /portal/me reads for a login
MAX_CONTACTS_PER_EMAIL = 100  # one GSI page: an email's contacts on one account


def contact_item(contact: Contact) -> Item:
    """The stored shape: the model plus the attributes the indexes key on."""
    item: Item = contact.model_dump(mode="json")
    item["created_key"] = keys.created_key(contact.created_at, contact.contact_id)
    item["login_id"] = contact.login_id
    item["email_key"] = normalized_email(contact.email) if contact.email else None
    return item


def contact_from_item(item: Item) -> Contact:
    return Contact.model_validate({k: v for k, v in item.items() if k not in _INDEX_FIELDS})


@dataclass(frozen=True, slots=True)
class AccountLogins:
    """A page of the logins linked to an account's contacts: login id -> the ids of its
    contacts there, in login order. `cut` names a login whose contacts there go on past the
    bound: the next page starts with the rest of them."""

    contact_ids: dict[str, list[str]]
    next_cursor: str | None
    cut: str | None = None


def _account_logins(items: Sequence[Item], next_cursor: str | None, cut: str | None = None) -> AccountLogins:
    grouped: dict[str, list[str]] = {}
    for item in items:
        grouped.setdefault(str(item["login_id"]), []).append(str(item["contact_id"]))
    return AccountLogins(grouped, next_cursor, cut)


def _after(item: Item) -> str | None:
    """The cursor of the position just after an index item (its keys: contact_id, account_id,
    login_id), as DynamoDB's own LastEvaluatedKey there would be."""
    return encode_cursor(serialize(item))


class ContactsTable:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def put_new_op(self, contact: Contact, *, created_via: str | None = None) -> TransactOp:
        """`created_via` marks an item whose creator sends its invitation itself (the stream's
        auto-invite skips it)."""
        item = {**contact_item(contact), "created_via": created_via}
        return put_new_op(
            self.table_name,
            item,
            key="contact_id",
            exists=AlreadyExists(f"contact {contact.contact_id} already exists"),
        )

    def replace_op(self, contact: Contact, *, expected_version: int) -> TransactOp:
        """Optimistic lock: the write lands only if nobody changed the contact since it was read."""
        return TransactOp(
            {
                "Put": {
                    "TableName": self.table_name,
                    "Item": serialize(contact_item(contact)),
                    "ConditionExpression": "version = :expected",
                    "ExpressionAttributeValues": serialize({":expected": expected_version}),
                }
            },
            on_condition_failed=VersionMismatch(
                f"contact {contact.contact_id} changed since version {expected_version}; read it again"
            ),
        )

    def replace(self, contact: Contact, *, expected_version: int) -> None:
        request = self.replace_op(contact, expected_version=expected_version).request["Put"]
        try:
            self._client.put_item(**request)
        except ClientError as error:
            if is_condition_failure(error):
                raise VersionMismatch(
                    f"contact {contact.contact_id} changed since version {expected_version}; read it again"
                ) from error
            raise

    def delete_op(self, contact_id: str) -> TransactOp:
        return TransactOp(
            {
                "Delete": {
                    "TableName": self.table_name,
                    "Key": serialize({"contact_id": contact_id}),
                    "ConditionExpression": "attribute_exists(contact_id)",
                }
            },
            on_condition_failed=NotFound(f"contact {contact_id} not found"),
        )

    def get(self, contact_id: str) -> Contact | None:
        response = self._client.get_item(
            TableName=self.table_name, Key=serialize({"contact_id": contact_id}), ConsistentRead=True
        )
        item = response.get("Item")
        return contact_from_item(deserialize(item)) if item else None

    def get_many(self, contact_ids: Sequence[str]) -> list[Contact]:
        """Strongly consistent, so a change made a moment ago (access revoked) is seen at once.
        One BatchGetItem per 100 ids: the callers bound how many they pass."""
        unique = sorted(set(contact_ids))
        if not unique:
            return []
        items = batch_get(self._client, self.table_name, [{"contact_id": c} for c in unique], consistent=True)
        return [contact_from_item(item) for item in items]

    def _account_query(self, index: str, account_id: str, limit: int) -> QueryInputTypeDef:
        """A Query of `limit` items of an index partitioned by account."""
        return {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": "account_id = :a",
            "ExpressionAttributeValues": serialize({":a": account_id}),
            "Limit": limit,
        }

    def list_by_account(self, account_id: str, *, cursor: str | None, limit: int) -> tuple[list[Contact], str | None]:
        query = self._account_query(keys.CONTACTS_BY_ACCOUNT_INDEX, account_id, limit)
        items, next_cursor = query_page(self._client, query, cursor)
        return [contact_from_item(i) for i in items], next_cursor

    def logins_of_account(self, account_id: str, *, cursor: str | None, limit: int) -> AccountLogins:
        """A page of whole logins linked to the account's contacts (`by_account_login`,
        KEYS_ONLY, eventually consistent: the caller re-reads the contacts). One Query of
        `limit` index items; when DynamoDB stops inside a login, that login starts the next
        page, unless it is the page's only one: then one more Query reads on to its end (at
        most MAX_CONTACTS_PER_LOGIN more of its contacts, and one item past them, which says
        whether another login follows)."""
        query = self._account_query(keys.CONTACTS_BY_ACCOUNT_LOGIN_INDEX, account_id, limit)
        items, after = query_page(self._client, query, cursor)
        if after is None or not items:
            return _account_logins(items, after)
        last = items[-1]["login_id"]
        whole = [i for i in items if i["login_id"] != last]
        if whole:
            return _account_logins(whole, _after(whole[-1]))
        more, after = query_page(self._client, {**query, "Limit": MAX_CONTACTS_PER_LOGIN + 1}, after)
        own = list(takewhile(lambda i: i["login_id"] == last, more))
        items = [*items, *own[:MAX_CONTACTS_PER_LOGIN]]
        if len(own) > MAX_CONTACTS_PER_LOGIN:
            return _account_logins(items, _after(items[-1]), cut=str(last))
        if len(own) == len(more) and after is None:  # the account's last login
            return _account_logins(items, None)
        return _account_logins(items, _after(items[-1]))

    def find_by_email(self, email: str, *, account_id: str | None = None) -> tuple[list[Contact], bool]:
        """Contacts with this email (on one account, or on any), at most MAX_CONTACTS_PER_EMAIL,
        and whether there are more: one Query of by_email."""
        condition = "email_key = :e"
        values: dict[str, str] = {":e": normalized_email(email)}
        if account_id is not None:
            condition += " AND account_id = :a"
            values[":a"] = account_id
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "IndexName": keys.CONTACTS_BY_EMAIL_INDEX,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": serialize(values),
        }
        items, more = query_up_to(self._client, query, MAX_CONTACTS_PER_EMAIL)
        return [contact_from_item(i) for i in items], more

    def contact_ids_of_login(self, login_id: str, *, account_id: str | None = None) -> tuple[list[str], bool]:
        """The ids of the contacts linked to a login (by_login is eventually consistent: the
        caller re-reads them with `get_many` before trusting what they grant), at most
        MAX_CONTACTS_PER_LOGIN, and whether there are more."""
        condition = "login_id = :l"
        values: dict[str, str] = {":l": login_id}
        if account_id is not None:
            condition += " AND account_id = :a"
            values[":a"] = account_id
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "IndexName": keys.CONTACTS_BY_LOGIN_INDEX,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": serialize(values),
            "ProjectionExpression": "contact_id",
        }
        items, more = query_up_to(self._client, query, MAX_CONTACTS_PER_LOGIN)
        return [i["contact_id"] for i in items], more
