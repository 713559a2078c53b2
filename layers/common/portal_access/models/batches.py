"""Invitation batches: the request, the dry run's answer, a batch's progress, the queue's messages."""

from __future__ import annotations

from typing import Annotated, Literal, Self, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from portal_access.models.common import Identifier, InputModel, OutputModel

# Which contacts a batch is about (`never_invited`: no invitation ever reached SES).
Include = Literal["never_invited", "expired"]
INCLUDE_ALL: tuple[Include, ...] = ("never_invited", "expired")
# Why a selected contact is not invited, in the order they are checked.
SkipReason = Literal[
    "account_inactive",
    "has_login",
    "portal_access_disabled",
    "no_email",
    "email_undeliverable",
    "invitation_pending",
]
SKIP_REASONS: tuple[SkipReason, ...] = get_args(SkipReason)
BatchState = Literal["running", "completed", "cancelled"]

MAX_SELECTED_ACCOUNTS = 100  # account ids named in one request (one BatchGetItem)
SAMPLES_PER_KIND = 5


class Selection(InputModel):
    """Exactly one of: account ids, an account class, every active account."""

    account_ids: list[Identifier] | None = Field(default=None, min_length=1, max_length=MAX_SELECTED_ACCOUNTS)
    class_id: Identifier | None = None
    all_active_accounts: Literal[True] | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [n for n in ("account_ids", "class_id", "all_active_accounts") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of account_ids, class_id, all_active_accounts")
        if self.account_ids is not None and len(set(self.account_ids)) != len(self.account_ids):
            raise ValueError("account_ids has duplicates")
        return self


class BatchRequest(InputModel):
    selection: Selection
    include: list[Include] = Field(default_factory=lambda: list(INCLUDE_ALL), min_length=1, max_length=2)
    # A dry run unless told otherwise: nobody is mailed by a forgotten field.
    dry_run: bool = True


class Sample(OutputModel):
    contact_id: str
    account_id: str
    name: str


class DryRun(OutputModel):
    would_invite: int
    skipped: dict[SkipReason, int]
    samples: dict[str, list[Sample]]  # "would_invite" and each skip reason: a few contacts each
    contacts_examined: int
    accounts_examined: int


class BatchStarted(OutputModel):
    batch_id: str


class BatchProgress(OutputModel):
    batch_id: str
    state: BatchState
    planned: bool  # every selected contact has been examined (total is final)
    total: int  # examined contacts that count (would be invited or skipped)
    queued: int  # contacts handed to the senders
    sent: int
    failed: int
    cancelled: int  # queued, not sent because the batch was cancelled first
    skipped: dict[SkipReason, int]
    created_at: str
    completed_at: str | None = None
    cancelled_at: str | None = None


class Account(BaseModel):
    """An account as a planner's continuation carries it (no re-read in the next message)."""

    model_config = ConfigDict(frozen=True)

    account_id: str
    status: str
    class_id: str


class Continuation(BaseModel):
    """Where a walk over the selection stands: the next page starts here."""

    model_config = ConfigDict(frozen=True)

    pending_accounts: list[Account] = Field(default_factory=list)  # the first is being read
    contacts_cursor: str | None = None  # within the first pending account
    accounts_cursor: str | None = None  # the next page of the accounts index
    accounts_exhausted: bool = False  # no accounts page left to read


class PlanMessage(BaseModel):
    kind: Literal["plan"] = "plan"
    batch_id: str
    page: int  # the page this message examines (its marker makes its counts once-only)
    continuation: Continuation


class SendTask(BaseModel):
    contact_id: str
    expected_pointer: str | None  # the latest invitation the planner saw: a send expects it unchanged


class SendMessage(BaseModel):
    kind: Literal["send"] = "send"
    batch_id: str
    tasks: list[SendTask] = Field(min_length=1, max_length=10)
    attempt: int = 0  # throttled sends come back as a new message with attempt + 1


BatchQueueMessage = Annotated[PlanMessage | SendMessage, Field(discriminator="kind")]
