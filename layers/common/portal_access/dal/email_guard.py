"""The per-email guard of portal login setup: one lease item per email in InvitationsTable.

Cognito has no conditional create: AdminGetUser, AdminCreateUser, AdminSetUserPassword is
check-then-act, so two accepts of different invitations for the same new email (separate Lambda
instances) could both set a password, and one caller's would silently lose. A conditional Put
on `LOGIN_EMAIL#<email>` lets one accept at a time set up that email's login. It is a lease
(`until`, plus `purge_at` for the table's TTL): a call that crashed holding it frees it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from portal_access.dal.dynamodb import is_condition_failure, serialize
from portal_access.dal.keys import login_email_guard_key
from portal_access.observability import logger

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class EmailGuard:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self.table_name = table_name

    def acquire(self, email: str, *, holder: str, now: str, until: str, purge_at: int) -> bool:
        """Take the email for `holder`; False while another caller's lease has not run out."""
        item = {"invitation_id": login_email_guard_key(email), "holder": holder, "until": until, "purge_at": purge_at}
        try:
            self._client.put_item(
                TableName=self.table_name,
                Item=serialize(item),
                ConditionExpression="attribute_not_exists(invitation_id) OR #until < :now",
                ExpressionAttributeNames={"#until": "until"},
                ExpressionAttributeValues=serialize({":now": now}),
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def release(self, email: str, *, holder: str) -> None:
        """Give the email back; a release that fails only delays the next caller until the lease ends."""
        try:
            self._client.delete_item(
                TableName=self.table_name,
                Key=serialize({"invitation_id": login_email_guard_key(email)}),
                ConditionExpression="holder = :holder",
                ExpressionAttributeValues=serialize({":holder": holder}),
            )
        except ClientError as error:
            if not is_condition_failure(error):
                logger.warning("login email guard not released; its lease will end", error=type(error).__name__)
