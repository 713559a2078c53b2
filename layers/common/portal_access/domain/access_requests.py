"""Requests for portal access by service address ("Enable Account Request Via Address").

Knowing an address proves little (addresses are public), so a match never grants access by
itself: the requester is emailed the `account_request_address_found_template` and staff see a
pending request with the matched site, to act on. The HTTP route only queues the request, so
its answer (content and time) is the same whether or not the address matched; the worker
matches it against the sites' normalised addresses (AccountsTable GSI `by_address`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from portal_access.domain.clock import iso
from portal_access.domain.errors import InvalidInput, NotFound
from portal_access.domain.ids import new_sortable_id
from portal_access.email.sender import EmailSendFailed
from portal_access.models.common import normalized_email
from portal_access.models.self_service import (
    AccessRequest,
    AccessRequestCreate,
    AccessRequestMessage,
    MatchedSite,
)
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.accounts_table import AccountsTable
    from portal_access.dal.portal_requests_table import PortalRequestsTable
    from portal_access.dal.request_queue import RequestQueue
    from portal_access.domain.clock import Clock
    from portal_access.domain.email_templates import EmailTemplates
    from portal_access.domain.mail import TemplateMail
    from portal_access.domain.public_limits import RequestGate
    from portal_access.domain.system_options import OptionsSource
    from portal_access.models.accounts import Address

ACCESS_REQUESTS_SCOPE = "access_request"
MAX_MATCHED_SITES = 10  # one Query page of the address index

AccessRequestOutcome = Literal["pending", "no_match"]


def one_line(address: Address) -> str:
    return f"{address.line1}, {address.city}, {address.state} {address.postal_code}"


class AccessRequestIntake:
    """The public route's half: the feature switch and the rate limit, then the queue."""

    def __init__(self, *, options: OptionsSource, gate: RequestGate, queue: RequestQueue, clock: Clock) -> None:
        self._options = options
        self._gate = gate
        self._queue = queue
        self._clock = clock

    def submit(self, data: AccessRequestCreate, *, source_ip: str) -> str:
        """404 when requests by address are off, 429 past a limit (public_limits); else the request id."""
        if not self._options().enable_account_request_via_address:
            raise NotFound("requesting access by address is not available")
        email = normalized_email(data.email)
        self._gate.admit(email=email, source_ip=source_ip)
        request_id = new_sortable_id("ar")
        self._queue.send(
            AccessRequestMessage(
                request_id=request_id,
                received_at=iso(self._clock()),
                source_ip=source_ip,
                contact_name=data.contact_name,
                email=email,
                address=data.address,
            )
        )
        logger.info("access request queued", request_id=request_id)
        return request_id


class AccessRequestsService:
    """The worker's half: match the address, email the requester, record the pending request."""

    def __init__(
        self,
        *,
        accounts: AccountsTable,
        requests: PortalRequestsTable,
        options: OptionsSource,
        templates: EmailTemplates,
        mail: TemplateMail,
    ) -> None:
        self._accounts = accounts
        self._requests = requests
        self._options = options
        self._templates = templates
        self._mail = mail

    def process(self, message: AccessRequestMessage) -> AccessRequestOutcome:
        sites, more = self._accounts.find_sites_by_address(
            message.address.line1, message.address.postal_code, limit=MAX_MATCHED_SITES
        )
        if not sites:
            logger.info("access request decided", request_id=message.request_id, outcome="no_match")
            return "no_match"
        matched = [MatchedSite.model_validate(site.model_dump()) for site in sites]
        sent = self._email_requester(message)
        self._requests.put_access_request(
            AccessRequest(
                request_id=message.request_id,
                received_at=message.received_at,
                source_ip=message.source_ip,
                contact_name=message.contact_name,
                email=message.email,
                address=message.address,
                site=matched[0],
                matched_sites=matched,
                more_matched_sites=more,
                email_status="sent" if sent else "failed",
            )
        )
        logger.info("access request decided", request_id=message.request_id, outcome="pending", sites=len(matched))
        return "pending"

    def _email_requester(self, message: AccessRequestMessage) -> bool:
        """The "address found" email; False (logged, the request still pending) when it fails."""
        options = self._options()
        portal_url = self._mail.portal_url(options)
        address = one_line(message.address)
        # Every placeholder a saved template may use (see email.render.SAMPLE_CONTEXT), so any
        # template staff pick renders. Nobody is invited yet and the account is not named to
        # whoever typed an address: the "link" is the portal's login page, the "account" the
        # address they gave.
        context = {
            "contact_name": message.contact_name,
            "email": message.email,
            "portal_url": portal_url,
            "invite_link": portal_url,
            "account_name": address,
            "account_id": "",
            "expires_at": "",
            "service_address": address,
        }
        template_name = options.account_request_address_found_template
        try:
            self._mail.send(self._templates.get(template_name), context, options, to=message.email)
        except (EmailSendFailed, InvalidInput, NotFound) as error:
            reason = error.reason if isinstance(error, EmailSendFailed) else error.message
            logger.warning("access request email not sent", request_id=message.request_id, reason=reason)
            return False
        return True


class PendingAccessRequests:
    """What staff see: requests that matched a site, newest first."""

    def __init__(self, *, requests: PortalRequestsTable) -> None:
        self._requests = requests

    def list(self, *, cursor: str | None, limit: int) -> tuple[list[AccessRequest], str | None]:
        return self._requests.list_pending_access_requests(cursor=cursor, limit=limit)
