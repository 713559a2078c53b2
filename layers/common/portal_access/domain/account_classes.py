"""Account Class Setup, Customer Portal tab."""

from portal_access.dal.settings_table import SettingsTable
from portal_access.domain.clock import Clock, iso
from portal_access.domain.errors import NotFound
from portal_access.models.settings import AccountClass, AccountClassCreate, AccountClassReplace


class AccountClasses:
    def __init__(self, *, table: SettingsTable, clock: Clock) -> None:
        self._table = table
        self._clock = clock

    def create(self, data: AccountClassCreate) -> AccountClass:
        account_class = AccountClass(
            **data.model_dump(exclude={"name"}), name=data.name or data.class_id, updated_at=iso(self._clock())
        )
        self._table.put_class(account_class, create=True)
        return account_class

    def replace(self, class_id: str, data: AccountClassReplace) -> AccountClass:
        account_class = AccountClass(
            **data.model_dump(exclude={"name"}),
            class_id=class_id,
            name=data.name or class_id,
            updated_at=iso(self._clock()),
        )
        self._table.put_class(account_class, create=False)
        return account_class

    def list(self, *, cursor: str | None, limit: int) -> tuple[list[AccountClass], str | None]:
        """A page of the classes in id order (one Query)."""
        return self._table.list_classes(cursor=cursor, limit=limit)

    def get(self, class_id: str) -> AccountClass:
        account_class = self._table.get_class(class_id)
        if account_class is None:
            raise NotFound(f"account class {class_id} not found")
        return account_class
