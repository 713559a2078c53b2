"""AccountsTable: accounts (ACCOUNT#id / ACCOUNT), their search terms (ACCOUNT#id / SEARCH#nn),
their sites (ACCOUNT#id / SITE#id), invoices."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from portal_access.dal import keys
from portal_access.dal.dynamodb import (
    Item,
    TransactOp,
    batch_get,
    deserialize,
    put_new_op,
    query_page,
    query_up_to,
    serialize,
)
from portal_access.domain.errors import AlreadyExists, DomainError, InvalidInput, NotFound
from portal_access.models.accounts import Account, Invoice, Site

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import QueryInputTypeDef

# Fields that are table bookkeeping, not part of the domain model.
_KEY_FIELDS = ("pk", "sk", "search_text", "address_key", "quick_pay_code_hash", "class_key", "active_key")
MAX_ACCOUNTS_PER_PAGE = 100

# An account is found by a prefix of its number, of its name, or of any further word of its name
# (up to MAX_SEARCH_WORDS of them): one search-term item each, in the `by_search_term` index.
MAX_SEARCH_WORDS = 8
MAX_TERM_LENGTH = 200  # characters: the index's sort key stays far under DynamoDB's 1 KB


def normalized_search(text: str) -> str:
    """How names and searches are compared: case folded, whitespace collapsed."""
    return " ".join(text.casefold().split())


def search_terms(account_id: str, name: str) -> list[str]:
    """The terms an account is found by, in order: its number, its name, then each further
    distinct word of the name (the first word is the name's own prefix), without leading or
    trailing punctuation. A term's position is the number of its item."""
    folded = normalized_search(name)
    terms = [account_id.casefold(), folded[:MAX_TERM_LENGTH]]
    for word in folded.split()[1:]:
        term = word.strip("\"'()[]{}.,;:!?-&/")[:MAX_TERM_LENGTH]
        if term and term not in terms and len(terms) < 2 + MAX_SEARCH_WORDS:
            terms.append(term)
    return terms


def first_match(terms: list[str], prefix: str) -> int | None:
    """The position of the first term that starts with `prefix`: the one item an account is
    listed by, so an account that several of its terms match is listed once, on every page."""
    return next((position for position, term in enumerate(terms) if term.startswith(prefix)), None)


def _strip_keys(item: Item) -> Item:
    return {k: v for k, v in item.items() if k not in _KEY_FIELDS}


def _site_search_text(site: Site) -> str:
    address = site.address
    parts = (site.site_id, site.name, address.line1, address.city, address.state, address.postal_code)
    return " ".join(parts).lower()


class InvoiceRecord(Invoice):
    """An invoice with what self-registration compares against (never returned by the API)."""

    quick_pay_code_hash: str


class AccountsTable:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    # Accounts

    def put_account_op(self, account: Account) -> TransactOp:
        item = {
            "pk": keys.account_pk(account.account_id),
            "sk": keys.ACCOUNT_SK,
            **account.model_dump(mode="json"),
            # the batches' indexes: by class, and (sparse) the active accounts
            "class_key": account.class_id,
            "active_key": keys.ACTIVE if account.status == "active" else None,
        }
        return put_new_op(
            self.table_name,
            item,
            key="pk",
            exists=AlreadyExists(f"account {account.account_id} already exists", field="account_id"),
        )

    def search_term_ops(self, account: Account) -> list[TransactOp]:
        """The account's search-term items (`by_search_term` index), written with the account."""
        ops = []
        for position, term in enumerate(search_terms(account.account_id, account.name)):
            item = {
                "pk": keys.account_pk(account.account_id),
                "sk": keys.search_term_sk(position),
                "search_bucket": keys.search_bucket(term),
                "search_term": keys.search_term_key(term, account.account_id),
            }
            ops.append(TransactOp({"Put": {"TableName": self.table_name, "Item": serialize(item)}}))
        return ops

    def search_accounts(
        self, prefix: str, *, cursor: str | None, limit: int, exclude: str | None = None
    ) -> tuple[list[Account], str | None]:
        """One Query page of the `by_search_term` index (terms starting with `prefix`, a
        `normalized_search` text) and one BatchGetItem of the accounts it names, in term order.
        An account is listed by its first matching term only; `exclude`: an account shown apart."""
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "IndexName": keys.ACCOUNT_SEARCH_INDEX,
            "KeyConditionExpression": "search_bucket = :b AND begins_with(search_term, :q)",
            "ExpressionAttributeValues": serialize({":b": keys.search_bucket(prefix), ":q": prefix}),
            "Limit": limit,
        }
        items, next_cursor = query_page(self._client, query, cursor)
        hits = [
            (item["pk"].removeprefix(keys.ACCOUNT_PREFIX), int(item["sk"].removeprefix(keys.SEARCH_TERM_PREFIX)))
            for item in items
        ]
        hits = [(account_id, position) for account_id, position in hits if account_id != exclude]
        accounts, _ = self.get_accounts_and_sites([account_id for account_id, _ in hits])
        found = []
        for account_id, position in hits:
            account = accounts.get(account_id)
            if account and first_match(search_terms(account.account_id, account.name), prefix) == position:
                found.append(account)
        return found, next_cursor

    def account_exists_op(self, account_id: str, *, missing: DomainError | None = None) -> TransactOp:
        """A transaction guard: the write fails (404 unless told otherwise) if the account is gone."""
        return TransactOp(
            {
                "ConditionCheck": {
                    "TableName": self.table_name,
                    "Key": serialize({"pk": keys.account_pk(account_id), "sk": keys.ACCOUNT_SK}),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            on_condition_failed=missing or NotFound(f"account {account_id} not found"),
        )

    def get_account(self, account_id: str) -> Account | None:
        response = self._client.get_item(
            TableName=self.table_name,
            Key=serialize({"pk": keys.account_pk(account_id), "sk": keys.ACCOUNT_SK}),
            ConsistentRead=True,
        )
        item = response.get("Item")
        return Account.model_validate(_strip_keys(deserialize(item))) if item else None

    def get_accounts_and_sites(
        self, account_ids: Sequence[str], site_keys: Sequence[tuple[str, str]] = ()
    ) -> tuple[dict[str, Account], dict[tuple[str, str], Site]]:
        """Accounts and (account_id, site_id) sites in the same BatchGetItem calls: one per 100
        keys (see `dynamodb.batch_get`). What does not exist is simply not in the answer."""
        wanted = [{"pk": keys.account_pk(a), "sk": keys.ACCOUNT_SK} for a in dict.fromkeys(account_ids)]
        wanted += [{"pk": keys.account_pk(a), "sk": keys.site_sk(s)} for a, s in dict.fromkeys(site_keys)]
        accounts: dict[str, Account] = {}
        sites: dict[tuple[str, str], Site] = {}
        for item in batch_get(self._client, self.table_name, wanted):
            if item["sk"] == keys.ACCOUNT_SK:
                account = Account.model_validate(_strip_keys(item))
                accounts[account.account_id] = account
            else:
                site = Site.model_validate(_strip_keys(item))
                sites[(site.account_id, site.site_id)] = site
        return accounts, sites

    def accounts_page(
        self, *, class_id: str | None, cursor: str | None, limit: int = MAX_ACCOUNTS_PER_PAGE
    ) -> tuple[list[Item], str | None]:
        """One Query page of the accounts of a class (`by_class`), or with `class_id` None of every
        active account (`by_active`): `account_id`, `status`, `class_id` each, and the next cursor."""
        if class_id is None:
            index, condition, value = keys.ACTIVE_ACCOUNTS_INDEX, "active_key = :v", keys.ACTIVE
        else:
            index, condition, value = keys.ACCOUNTS_BY_CLASS_INDEX, "class_key = :v", class_id
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "IndexName": index,
            "KeyConditionExpression": condition,
            "ExpressionAttributeValues": serialize({":v": value}),
            "ProjectionExpression": "account_id, #s, class_id",
            "ExpressionAttributeNames": {"#s": "status"},
            "Limit": min(limit, MAX_ACCOUNTS_PER_PAGE),
        }
        return query_page(self._client, query, cursor)

    # Sites

    def put_site_op(self, site: Site) -> TransactOp:
        item = {
            "pk": keys.account_pk(site.account_id),
            "sk": keys.site_sk(site.site_id),
            "search_text": _site_search_text(site),
            "address_key": keys.address_key(site.address.line1, site.address.postal_code),
            **site.model_dump(mode="json"),
        }
        return put_new_op(
            self.table_name,
            item,
            key="pk",
            exists=AlreadyExists(f"site {site.site_id} already exists on account {site.account_id}", field="site_id"),
        )

    def site_exists_op(self, account_id: str, site_id: str, *, field: str = "site_id") -> TransactOp:
        return TransactOp(
            {
                "ConditionCheck": {
                    "TableName": self.table_name,
                    "Key": serialize({"pk": keys.account_pk(account_id), "sk": keys.site_sk(site_id)}),
                    "ConditionExpression": "attribute_exists(pk)",
                }
            },
            on_condition_failed=InvalidInput(f"site {site_id} is not a site of account {account_id}", field=field),
        )

    def get_site(self, account_id: str, site_id: str) -> Site | None:
        response = self._client.get_item(
            TableName=self.table_name,
            Key=serialize({"pk": keys.account_pk(account_id), "sk": keys.site_sk(site_id)}),
        )
        item = response.get("Item")
        return Site.model_validate(_strip_keys(deserialize(item))) if item else None

    def get_sites(self, account_id: str, site_ids: Sequence[str]) -> list[Site]:
        """The account's sites among `site_ids` (at most 100: one BatchGetItem)."""
        if not site_ids:
            return []
        if len(site_ids) > 100:
            raise InvalidInput("at most 100 sites at a time", field="site_ids")
        site_keys = [{"pk": keys.account_pk(account_id), "sk": keys.site_sk(s)} for s in site_ids]
        found = batch_get(self._client, self.table_name, site_keys)
        return [Site.model_validate(_strip_keys(item)) for item in found]

    def list_sites(
        self, account_id: str, *, search: str | None, cursor: str | None, limit: int
    ) -> tuple[list[Site], str | None]:
        """One Query over the account's partition; `search` filters on id, name and address."""
        values = {":pk": keys.account_pk(account_id), ":site": keys.SITE_PREFIX}
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :site)",
            "Limit": limit,
        }
        if search:
            query["FilterExpression"] = "contains(search_text, :q)"
            values[":q"] = search.lower()
        query["ExpressionAttributeValues"] = serialize(values)
        items, next_cursor = query_page(self._client, query, cursor)
        return [Site.model_validate(_strip_keys(item)) for item in items], next_cursor

    def find_sites_by_address(self, line1: str, postal_code: str, *, limit: int) -> tuple[list[Site], bool]:
        """Up to `limit` sites whose normalised service address matches (GSI by_address, one
        Query), and whether more match."""
        query: QueryInputTypeDef = {
            "TableName": self.table_name,
            "IndexName": keys.ADDRESS_INDEX,
            "KeyConditionExpression": "address_key = :a",
            "ExpressionAttributeValues": serialize({":a": keys.address_key(line1, postal_code)}),
        }
        items, more = query_up_to(self._client, query, limit)
        return [Site.model_validate(_strip_keys(item)) for item in items], more

    # Invoices

    def put_invoice_op(self, invoice: InvoiceRecord) -> TransactOp:
        item = {"pk": keys.invoice_pk(invoice.invoice_number), "sk": keys.INVOICE_SK, **invoice.model_dump(mode="json")}
        return put_new_op(
            self.table_name,
            item,
            key="pk",
            exists=AlreadyExists(f"invoice {invoice.invoice_number} already exists", field="invoice_number"),
        )

    def get_invoice(self, invoice_number: str) -> InvoiceRecord | None:
        response = self._client.get_item(
            TableName=self.table_name,
            Key=serialize({"pk": keys.invoice_pk(invoice_number), "sk": keys.INVOICE_SK}),
        )
        item = response.get("Item")
        if not item:
            return None
        data = {k: v for k, v in deserialize(item).items() if k not in ("pk", "sk")}
        return InvoiceRecord.model_validate(data)
