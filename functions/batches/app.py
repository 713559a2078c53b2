"""Staff routes of invitation batches: a dry run or a run over a selection of accounts, a run's
progress, its cancel. Routes parse, call the domain, shape the answer (domain/invitation_batches.py)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.metrics import MetricUnit

from portal_access.api.resolver import create_resolver, http_handler, staff_actor
from portal_access.config import InvitationBatchesApiConfig
from portal_access.models.batches import BatchProgress, BatchRequest, BatchStarted, DryRun
from portal_access.models.common import Identifier
from portal_access.observability import metrics
from portal_access.wiring.batches import build_batches_api

batches = build_batches_api(InvitationBatchesApiConfig.from_env())

app = create_resolver("staff")

JSON = "application/json"
BatchId = Annotated[Identifier, Path()]


@app.post(
    "/admin/invitation-batches",
    tags=["invitation batches"],
    responses={
        200: {"description": "the dry run: what a run would do", "content": {"application/json": {"model": DryRun}}},
        202: {"description": "the run is queued", "content": {"application/json": {"model": BatchStarted}}},
    },
)
def start_batch(body: Annotated[BatchRequest, Body()]) -> Response[str]:
    """`dry_run` (the default): 200 with the counts by skip reason and samples; 422
    `selection_too_large` past what one request examines. Otherwise 202 with the batch id."""
    if body.dry_run:
        return Response(status_code=200, content_type=JSON, body=batches.dry_run(body).model_dump_json())
    batch_id = batches.start(body, actor=staff_actor(app))
    metrics.add_metric(name="InvitationBatchesStarted", unit=MetricUnit.Count, value=1)
    return Response(status_code=202, content_type=JSON, body=BatchStarted(batch_id=batch_id).model_dump_json())


@app.get("/admin/invitation-batches/<batch_id>", tags=["invitation batches"])
def batch_progress(batch_id: BatchId) -> BatchProgress:
    return batches.progress(batch_id)


@app.delete("/admin/invitation-batches/<batch_id>", status_code=202, tags=["invitation batches"])
def cancel_batch(batch_id: BatchId) -> BatchProgress:
    """Cancels what is not sent yet (what is being sent at this moment still goes out)."""
    return batches.cancel(batch_id)


lambda_handler = http_handler(app)
