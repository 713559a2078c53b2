"""Request Login's public half (the route): the feature switch, the rate limits, then the
request goes on the queue for the worker (domain/self_registration.py). The caller always gets
the same 202, whether or not anything matches."""

from __future__ import annotations

from typing import TYPE_CHECKING

from portal_access.domain.clock import iso
from portal_access.domain.codes import hash_code
from portal_access.domain.errors import NotFound, RateLimited
from portal_access.domain.ids import new_sortable_id
from portal_access.models.common import normalized_email
from portal_access.models.self_service import SelfRegistrationAttempt, SelfRegistrationMessage
from portal_access.observability import logger

if TYPE_CHECKING:
    from portal_access.dal.portal_requests_table import PortalRequestsTable
    from portal_access.dal.request_queue import RequestQueue
    from portal_access.domain.clock import Clock
    from portal_access.domain.public_limits import RequestGate
    from portal_access.domain.system_options import OptionsSource
    from portal_access.models.self_service import SelfRegistrationCreate

SELF_REGISTRATION_SCOPE = "self_registration"


class SelfRegistrationIntake:
    """The public route's half: decides the answer, then queues the request."""

    def __init__(
        self,
        *,
        options: OptionsSource,
        gate: RequestGate,
        queue: RequestQueue,
        requests: PortalRequestsTable,
        clock: Clock,
    ) -> None:
        self._options = options
        self._gate = gate
        self._queue = queue
        self._requests = requests
        self._clock = clock

    def submit(self, data: SelfRegistrationCreate, *, source_ip: str) -> str:
        """404 when the Request Login button is off, 429 past a rate limit; else the request id."""
        if not self._options().enable_request_login_button:
            raise NotFound("Request Login is not available")
        request_id = new_sortable_id("sr")
        received_at = iso(self._clock())
        email = normalized_email(data.email)
        proof = "quick_pay_code" if data.quick_pay_code is not None else "account_number"
        try:
            self._gate.admit(email=email, source_ip=source_ip)  # no invoice counter: see public_limits
        except RateLimited:
            self._requests.put_attempt(
                SelfRegistrationAttempt(
                    request_id=request_id,
                    received_at=received_at,
                    decided_at=received_at,
                    source_ip=source_ip,
                    invoice_number=data.invoice_number,
                    email=email,
                    contact_name=data.contact_name,
                    proof=proof,
                    outcome="rate_limited",
                )
            )
            logger.info("self-registration rate limited", request_id=request_id)
            raise
        self._queue.send(
            SelfRegistrationMessage(
                request_id=request_id,
                received_at=received_at,
                source_ip=source_ip,
                contact_name=data.contact_name,
                email=email,
                invoice_number=data.invoice_number,
                quick_pay_code_hash=hash_code(data.quick_pay_code) if data.quick_pay_code is not None else None,
                account_number=data.account_number,
            )
        )
        logger.info("self-registration queued", request_id=request_id, proof=proof)
        return request_id
