"""Auto-invite when AWS fails part-way (what the local stack's fault injection does at scale):
SES throttling is retried by the stream, not recorded as a final failure; a record delivered
again after its email went out, even with its idempotency record gone, sends nothing more."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError

from portal_access.dal.invitations_table import InvitationsTable
from portal_access.email.sender import SesEmailSender

THROTTLED = ClientError(
    {
        "Error": {"Code": "TooManyRequestsException", "Message": "Maximum sending rate exceeded."},
        "ResponseMetadata": {"HTTPStatusCode": 429},  # type: ignore[typeddict-item]
    },
    "SendEmail",
)


def _forget_idempotency(stack) -> None:
    """As when the idempotency record could not be saved (the record is handled again)."""
    dynamodb = boto3.client("dynamodb")
    table = stack.table("IdempotencyTable")
    for item in dynamodb.scan(TableName=table)["Items"]:
        dynamodb.delete_item(TableName=table, Key={"id": item["id"]})


@pytest.fixture
def contact(add_contact):
    return add_contact(name="Pat", email="pat@example.com")


def test_ses_throttling_fails_the_record_for_a_retry_that_sends_once(
    add_contact, deliver, outbox, invites, monkeypatch
):
    real_send = SesEmailSender.send
    throttled = {"left": 1}

    class ThrottlingSes:
        def send_email(self, **_kwargs):
            raise THROTTLED  # what SES answers past the sending rate, after the SDK's retries

    def send(self, message):
        if not throttled["left"]:
            return real_send(self, message)
        throttled["left"] -= 1
        real_client, self._client = self._client, ThrottlingSes()
        try:
            return real_send(self, message)
        finally:
            self._client = real_client

    monkeypatch.setattr(SesEmailSender, "send", send)

    contact = add_contact(name="Pat", email="pat@example.com")
    other = add_contact(name="Sam", email="sam@example.com")

    first = deliver([contact["contact_id"], other["contact_id"]])  # Pat's send is throttled
    assert len(first["batchItemFailures"]) == 1
    assert outbox.to("pat@example.com") == []

    assert deliver([contact["contact_id"], other["contact_id"]]) == {"batchItemFailures": []}
    assert len(outbox.to("pat@example.com")) == 1
    assert len(outbox.to("sam@example.com")) == 1
    statuses = [i["status"] for i in invites("GET", contact["contact_id"]).body["items"]]
    assert statuses == ["sent", "failed"]  # newest first: the throttled attempt stays on record


def test_a_refusal_is_final_not_retried(contact, deliver, outbox, monkeypatch):
    def refuse(self, message):
        from portal_access.email.sender import EmailSendFailed

        raise EmailSendFailed("MessageRejected: Email address is not verified.")

    monkeypatch.setattr(SesEmailSender, "send", refuse)
    assert deliver([contact["contact_id"]]) == {"batchItemFailures": []}
    assert outbox.all() == []


def test_a_record_handled_again_after_its_email_went_out_sends_nothing(contact, deliver, outbox, stack):
    assert deliver([contact["contact_id"]]) == {"batchItemFailures": []}
    _forget_idempotency(stack)

    assert deliver([contact["contact_id"]]) == {"batchItemFailures": []}

    assert len(outbox.to("pat@example.com")) == 1


def test_marking_the_invitation_sent_failing_does_not_fail_the_record(contact, deliver, outbox, monkeypatch):
    def throttled_mark(self, invitation_id, *, sent_at, message_id):
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "UpdateItem")

    monkeypatch.setattr(InvitationsTable, "mark_sent", throttled_mark)

    assert deliver([contact["contact_id"]]) == {"batchItemFailures": []}
    assert len(outbox.to("pat@example.com")) == 1
    assert deliver([contact["contact_id"]]) == {"batchItemFailures": []}  # redelivered: stored outcome
    assert len(outbox.to("pat@example.com")) == 1
