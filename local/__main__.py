"""`python -m local` (what `make dev` runs): the whole service on this machine.

moto in server mode, in this process, is the AWS of the embedded default; everything
template.yaml declares is provisioned in it; every function is hosted in-process; the HTTP API
is served on 127.0.0.1 (PORT, or --port); the template's stream and queue event sources are
polled into their functions; demo data is seeded through the staff API; stack.json says how to
reach it all. Ctrl-C or SIGTERM stops everything."""

from __future__ import annotations

import argparse
import errno
import faulthandler
import logging
import os
import signal
import socket
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from werkzeug.serving import BaseWSGIServer, make_server

from devkit.template import ROOT, load_template, parameter_defaults, resources_of_type
from local import stack_file
from local.faults import FaultInjector, fault_pages, parse_faults

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from local.provision import Provisioned
    from local.runtime import FunctionHost
    from local.schedules import Scheduler

log = logging.getLogger("local")

REGION = "us-east-1"
PREFIX = "local"
SHUTDOWN_SECONDS = 8  # the threads' share of a SIGTERM's stop
DEFAULT_PORT = 3000
# Template parameters that name an email sender: verified as SES identities.
SENDER_PARAMETERS = ("SesFromAddress",)
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m local", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", DEFAULT_PORT)),
        help=f"port of the HTTP API on 127.0.0.1 (default: $PORT or {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument(
        "--state-dir",
        type=Path,
        default=Path(os.environ.get("LOCAL_STATE_DIR", ROOT / ".local")),
        help="where stack.json is written (default: $LOCAL_STATE_DIR or .local/)",
    )
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="override a template parameter, e.g. PortalOrigin=http://localhost:5173 (repeatable)",
    )
    parser.add_argument("--no-seed", action="store_true", help="start empty: no demo data, no staff login")
    parser.add_argument(
        "--faults",
        default=os.environ.get("LOCAL_FAULTS", ""),
        metavar="SERVICE=SHARE,...",
        help="fail that share of the functions' calls as AWS does under load, e.g. "
        "dynamodb=0.2,sesv2=0.3,cognito-idp=0.2 (default: $LOCAL_FAULTS; see local/faults.py)",
    )
    parser.add_argument("--fault-seed", type=int, default=None, help="seed of the faults' dice (repeatable runs)")
    args = parser.parse_args(argv)
    bad = [p for p in args.parameter if "=" not in p]
    if bad:
        parser.error(f"--parameter takes NAME=VALUE, got {bad}")
    try:
        args.faults = parse_faults(args.faults)
    except ValueError as error:
        parser.error(f"--faults: {error}")
    return args


class _Deferred:
    """The socket is bound first (a busy port fails at once); the app comes when it is ready."""

    def __init__(self) -> None:
        self.app: WSGIApplication | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.app is None:
            start_response("503 Service Unavailable", [("content-type", "application/json")])
            return [b'{"error":{"code":"starting","message":"the local stack is starting"}}']
        return self.app(environ, start_response)


def bind(port: int, app: WSGIApplication) -> BaseWSGIServer | None:
    """The gateway's server on 127.0.0.1:port, or None (with a message) when the port is taken.
    The socket is bound here: werkzeug would print its own advice and exit."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind(("127.0.0.1", port))
        listener.listen(128)
    except OSError as error:
        listener.close()
        if error.errno != errno.EADDRINUSE:
            raise
        print(
            f"error: port {port} on 127.0.0.1 is already in use (another `make dev`?).\n"
            f"Stop what uses it, or choose another port with the PORT setting: `PORT=3001 make dev` "
            f"(or `python -m local --port 3001`).",
            file=sys.stderr,
        )
        return None
    with listener:
        return make_server("127.0.0.1", port, app, threaded=True, fd=listener.fileno())


def use_moto_environment(endpoint: str) -> None:
    """Every boto3 client made in this process (the functions' included) talks to moto."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_CREDENTIALS)
    os.environ.update(AWS_ENDPOINT_URL=endpoint, AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION)
    # EMF metrics would flood the console; a developer may turn them back on.
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")


@dataclass
class Running:
    stop: threading.Event
    threads: list[threading.Thread]
    stoppers: list[Callable[[], None]]

    def start(self, name: str, target: Callable[[threading.Event], None]) -> None:
        thread = threading.Thread(target=target, args=(self.stop,), name=name, daemon=True)
        thread.start()
        self.threads.append(thread)

    def shutdown(self) -> None:
        self.stop.set()
        for stopper in reversed(self.stoppers):
            try:
                stopper()
            except Exception:
                log.exception("while stopping")
        # One deadline for all: a poller busy in an invocation (retrying through injected faults,
        # say) must not hold up the others' exit. The threads are daemons: what is left ends with
        # the process.
        deadline = time.monotonic() + SHUTDOWN_SECONDS
        for thread in self.threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s", stream=sys.stderr
    )
    log.setLevel(logging.INFO)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's and the gateway's request lines
    # Powertools warns on every invocation that adds no metric; locally metrics are off anyway.
    warnings.filterwarnings("ignore", message="No application metrics to publish")
    started = time.monotonic()
    running = Running(stop=threading.Event(), threads=[], stoppers=[])
    ready = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        running.stop.set()
        if not ready.is_set():
            raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    # `kill -USR1` writes every thread's stack to stderr: what a stack that hangs is waiting on
    faulthandler.register(signal.SIGUSR1, all_threads=True)

    deferred = _Deferred()
    server = bind(args.port, deferred)
    if server is None:
        return 2
    stack_json = args.state_dir / "stack.json"
    try:
        running.start("gateway", lambda _stop: server.serve_forever(poll_interval=0.2))
        running.stoppers.append(server.shutdown)
        api_url = f"http://127.0.0.1:{server.port}"
        overrides = dict(p.split("=", 1) for p in args.parameter)
        faults = FaultInjector(args.faults, seed=args.fault_seed) if args.faults else None
        facts = start_stack(api_url, deferred, running, seed_data=not args.no_seed, overrides=overrides, faults=faults)
        stack_file.write(stack_json, facts)
        running.stoppers.append(lambda: stack_json.unlink(missing_ok=True))
        ready.set()
        print(welcome(facts, stack_json, time.monotonic() - started), flush=True)
        while not running.stop.wait(0.5):
            pass
        log.info("stopping")
    except KeyboardInterrupt:
        log.info("stopped while starting")
    finally:
        stopping = time.monotonic()
        running.shutdown()
        log.info("stopped in %.1f s", time.monotonic() - stopping)
    return 0


def say_what_is_not_here(done: Provisioned, template: dict[str, Any]) -> None:
    """At startup: what of the template this stack does not emulate, so none of it is taken for
    absent when deployed."""
    from local.event_sources import unsupported_events

    for logical_id, kind in done.not_emulated.items():
        log.warning("%s (%s) is not emulated locally", logical_id, kind)
    if done.deploy_only:
        log.info(
            "deployed only, not emulated (the gateway serves the pages; no TLS, WAF, access logs or KMS here): %s",
            ", ".join(f"{logical_id} ({kind})" for logical_id, kind in done.deploy_only.items()),
        )
    for event in unsupported_events(template):
        log.warning("event %s is not delivered locally", event)


def start_stack(
    api_url: str,
    deferred: _Deferred,
    running: Running,
    *,
    seed_data: bool,
    overrides: dict[str, str],
    faults: FaultInjector | None = None,
) -> dict[str, Any]:
    """moto, provisioning, functions, gateway app, event sources, seed: returns stack.json."""
    # Imported here: the functions' modules must see the moto environment when they load.
    from local.outbox import LocalMotoServer, Outbox

    moto = LocalMotoServer(ip_address="127.0.0.1", port=0)
    moto.start()
    running.stoppers.append(moto.stop)
    host, port = moto.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    use_moto_environment(endpoint)

    import boto3

    from devkit.routes import authorizers_of, routes_of
    from devkit.template import function_spec
    from local.authorizer import JwksCache
    from local.cognito_proxy import CognitoProxy
    from local.cognito_triggers import install_triggers
    from local.event_sources import event_sources
    from local.gateway import Gateway, cors_of
    from local.pages import local_pages
    from local.provision import provision
    from local.runtime import FunctionHost
    from local.site import Site, security_headers

    template = load_template()
    unknown = set(overrides) - set(template.get("Parameters", {}))
    if unknown:
        raise SystemExit(f"error: template.yaml has no parameter {', '.join(sorted(unknown))}")
    # Invitation links and CORS name the pages' origin: locally the API's, as CloudFront's when deployed.
    parameters = parameter_defaults(template) | {"PortalOrigin": api_url} | overrides
    done = provision(
        template,
        dynamodb=boto3.client("dynamodb"),
        sqs=boto3.client("sqs"),
        cognito=boto3.client("cognito-idp"),
        sesv2=boto3.client("sesv2"),
        prefix=PREFIX,
        parameters=parameters,
        sender_parameters=SENDER_PARAMETERS,
        region=REGION,
    )
    template = dict(done.template)
    say_what_is_not_here(done, template)

    functions = resources_of_type(template, "AWS::Serverless::Function")
    host_ = FunctionHost(
        {f: function_spec(template, f, done.resolver) for f in functions}, prefix=PREFIX, region=REGION
    )
    if faults:
        faults.install()  # before the functions make their clients
    host_.load_all()
    install_triggers(template, done.user_pools, host_.invoke, region=REGION)

    outbox = Outbox(moto.recorder, region=REGION)
    cognito = CognitoProxy(endpoint, reset_code_mailer(boto3.client("sesv2"), done.email_identities[0]), region=REGION)
    scheduler = start_background_senders(template, done, host_, moto, running)
    gateway = Gateway(
        routes_of(template),
        authorizers_of(template, done.resolver),
        JwksCache(cognito_endpoint=endpoint),
        host_.invoke,
        local_pages={**local_pages(outbox, cognito, moto.bus, scheduler), **fault_pages(faults)},
        cors=cors_of(template, done.resolver),
        site=Site(page_configs(template, done), security_headers(template, done.resolver)),
    )
    deferred.app = gateway

    start_pollers(template, done, host_, running)

    outputs = {name: str(done.resolver.resolve(o["Value"])) for name, o in template.get("Outputs", {}).items()}

    facts: dict[str, Any] = {
        **stack_file.from_outputs(outputs),
        "api_url": api_url,
        "outbox_url": f"{api_url}/_local/outbox",
        "events_url": f"{api_url}/_local/events",
        "schedules_url": f"{api_url}/_local/schedules",
        "region": REGION,
        "cognito_endpoint_url": endpoint,
        "aws_endpoint_url": endpoint,
        "ses_from_address": parameters.get("SesFromAddress"),
        "tables": done.tables,
        "queues": done.queues,
        "routes": len(gateway.routes),
        "event_sources": [f"{s.function_id}.{s.event_id}" for s in event_sources(template, done.resolver)],
        "outputs": outputs | {"ApiUrl": api_url, "PortalUrl": api_url},
        "portal_url": api_url,
        "pid": os.getpid(),
        "staff_username": None,
        "staff_password": None,
    }
    if seed_data:
        facts.update(seed_stack(facts, done, api_url))
    if faults:
        faults.active = True
        facts["faults"] = faults.shares
        log.warning("faults on: %s of the functions' calls fail as AWS does under load", faults.shares)
    return facts


def start_pollers(template: dict[str, Any], done: Provisioned, host_: FunctionHost, running: Running) -> None:
    """The template's event source mappings (streams and queues), each polled on a thread."""
    import boto3

    from local.event_sources import event_sources
    from local.queue_poller import QueuePoller
    from local.stream_poller import StreamPoller

    streams, sqs = boto3.client("dynamodbstreams"), boto3.client("sqs")
    for source in event_sources(template, done.resolver):
        poller: StreamPoller | QueuePoller
        if source.kind == "DynamoDB":
            poller = StreamPoller(source, host_.invoke, streams, sqs, function_arn=host_.arn_of(source.function_id))
        else:
            poller = QueuePoller(source, host_.invoke, sqs)
        running.start(f"{source.function_id}.{source.event_id}", poller.run)


def start_background_senders(
    template: dict[str, Any], done: Provisioned, host_: FunctionHost, moto: Any, running: Running
) -> Scheduler:
    """The template's schedules, and SES's mailbox simulator answering what the functions send."""
    import boto3

    from local.mailbox import MailboxSimulator
    from local.schedules import Scheduler, schedules

    scheduler = Scheduler(schedules(template, done.resolver), host_.invoke, region=REGION)
    running.start("scheduler", scheduler.run)
    simulator = MailboxSimulator(done.event_destinations, boto3.client("sns"), region=REGION)
    moto.recorder.listeners.append(simulator.on_sent)
    running.start("mailbox-simulator", simulator.run)
    return scheduler


def page_configs(template: dict[str, Any], done: Provisioned) -> dict[str, dict[str, Any]]:
    """What the hosted pages read from their config.json: per audience, its pool, client and
    password policy (the customers' pages the portal pool, the staff console the staff pool)."""
    from local.cognito_proxy import PATH as COGNITO_PATH
    from local.site import page_config

    def config(pool: str, client: str) -> dict[str, Any]:
        properties = done.resolver.resolve(template["Resources"][pool]["Properties"])
        return page_config(
            region=REGION,
            user_pool_id=done.resolver.ref(pool),
            client_id=done.resolver.ref(client),
            cognito_endpoint=COGNITO_PATH,
            password_policy=properties.get("Policies", {}).get("PasswordPolicy", {}),
        )

    return {
        "portal": config("PortalUserPool", "PortalUserPoolClient"),
        "staff": config("StaffUserPool", "StaffUserPoolClient"),
    }


def reset_code_mailer(sesv2: Any, sender: str) -> Callable[[str, str], None]:
    """Cognito emails a password-reset code itself; moto does not, so the local stack mails it
    through SES and it shows in the outbox like any other email."""

    def send(to: str, code: str) -> None:
        text = (
            f"Your portal password reset code is {code}. It works once; if you did not ask for it, ignore this email."
        )
        sesv2.send_email(
            FromEmailAddress=sender,
            Destination={"ToAddresses": [to]},
            Content={
                "Simple": {
                    "Subject": {"Data": "Your password reset code"},
                    "Body": {"Text": {"Data": text}, "Html": {"Data": f"<p>{text}</p>"}},
                }
            },
        )

    return send


def seed_stack(facts: dict[str, Any], done: Provisioned, api_url: str) -> dict[str, Any]:
    import boto3

    from local.seed import ADMIN_GROUP, create_staff_logins, seed, sign_in

    cognito = boto3.client("cognito-idp")
    logins = create_staff_logins(cognito, facts["staff_user_pool_id"])
    login = logins[ADMIN_GROUP]
    token = sign_in(cognito, facts["staff_client_id"], login.username, login.password)
    demo = seed(api_url, token, portal_url=api_url, from_address=done.email_identities[0])
    return {
        "staff_username": login.username,
        "staff_password": login.password,
        "staff_logins": {role: {"username": each.username, "password": each.password} for role, each in logins.items()},
        "staff_access_token": token,
        "demo": demo,
    }


def welcome(facts: dict[str, Any], stack_json: Path, seconds: float) -> str:
    try:
        shown = stack_json.relative_to(Path.cwd())
    except ValueError:
        shown = stack_json
    token_from_file = f'$(python3 -c \'import json;print(json.load(open("{shown}"))["staff_access_token"])\')'
    lines = [
        "",
        f"Portal access service running locally (ready in {seconds:.1f} s). Ctrl-C stops it.",
        f"  HTTP API      {facts['api_url']}   ({facts['routes']} routes, JWT authorizers enforced)",
        f"  outbox        {facts['outbox_url']}",
        f"  bus events    {facts['events_url']}   (SES mailbox simulator: success@, bounce@, complaint@,"
        " suppressionlist@simulator.amazonses.com)",
        f"  schedules     POST {facts['schedules_url']}   (runs the hourly invitations job now)",
        f"  AWS (moto)    {facts['aws_endpoint_url']}   region {facts['region']}, any credentials",
        f"  staff pool    {facts['staff_user_pool_id']}   client {facts['staff_client_id']}",
        f"  portal pool   {facts['portal_user_pool_id']}   client {facts['portal_client_id']}",
    ]
    if facts.get("staff_username"):
        for role, login in (facts.get("staff_logins") or {}).items():
            lines.append(f"  staff login   {login['username']} / {login['password']}   ({role})")
        lines.append("  demo data     accounts 21638 The Mill, 49418 Renovation Gym; invoice 1004217")
    lines += [
        f"  portal pages  {facts['api_url']}/login",
        f"  staff console {facts['api_url']}/staff/",
        f"  stack.json    {shown}",
        "",
        "Try:",
        f"  curl -s {facts['api_url']}/portal/login-config",
    ]
    if facts.get("staff_access_token"):
        lines.append(
            f'  curl -s {facts["api_url"]}/admin/accounts/49418/sites -H "Authorization: Bearer {token_from_file}"'
        )
    lines.append(f"  curl -s {facts['outbox_url']}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
