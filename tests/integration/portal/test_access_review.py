"""The access review through moto: logins linked the real way (staff invite, accept), their last
sign-in stamped by the Post Authentication trigger that the local stack's Cognito emulation
(`local/cognito_triggers.py`) runs after each sign-in, both routes in JSON and in CSV; a login
is one row with all its contacts on the account at every page size; staff switching a login off
or on shows at once."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from botocore.exceptions import ClientError
from moto.cognitoidp.models import cognitoidp_backends

from devkit.events import http_event, load_event
from local.cognito_triggers import install_triggers
from tests.conftest import Function, call
from tests.integration.invitations.conftest import GOOD_PASSWORD, REGION
from tests.integration.portal.conftest import set_portal_access

TODAY = datetime.now(UTC).date()
pytestmark = pytest.mark.usefixtures("demo_account")


@pytest.fixture
def post_auth(load_function) -> Function:
    return load_function("PostAuthenticationFunction")


@pytest.fixture
def review(load_function) -> Function:
    return load_function("AccessReviewFunction")


@pytest.fixture
def triggers(template, portal_pool, post_auth) -> dict[str, str]:
    """Sign-ins in moto run the Post Authentication function, as the local stack installs it."""
    return install_triggers(
        template,
        {"PortalUserPool": portal_pool.pool_id},
        lambda _id, event: post_auth.invoke(dict(event)),
        region=REGION,
    )


def get(review: Function, path: str, **kwargs: Any) -> Any:
    return call(review, http_event("GET", path, **kwargs))


def csv_rows(
    review: Function, path: str, query: dict[str, str] | None = None
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    raw = review.invoke(http_event("GET", path, query=query, headers={"Accept": "text/csv"}))
    assert raw["statusCode"] == 200, raw
    return raw["headers"], list(csv.DictReader(io.StringIO(raw["body"], newline="")))


def as_csv_cells(row: dict[str, Any]) -> dict[str, str]:
    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        text = str(value)
        return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text

    return {k: cell(v) for k, v in row.items()}


def test_the_account_review_lists_its_logins_with_grants_invitation_and_last_sign_in(
    world, triggers, review, post_auth
):
    # Given two logins on 49418: one all sites, one on a site with a role, whose name a
    # spreadsheet would run as a formula; and a contact without a login
    assert triggers == {world.pool.pool_id: "PostAuthenticationFunction"}
    all_sites = world.new_contact("49418", email="all.sites@example.com", name="Ana Allsites")
    one_site = world.new_contact(
        "49418", email="one.site@example.com", name='=HYPERLINK("http://x","y")', level="site", site_id="49418001"
    )
    world.new_contact("49418", email="not.linked@example.com", name="Nobody Yet")
    grant = {"all_sites": False, "site_ids": ["49418001"], "roles": {"49418001": ["Role 1"]}}
    assert world.staff("PUT", f"/admin/contacts/{one_site['contact_id']}/portal-access", body=grant).status == 200
    first = world.link(all_sites)  # accepts, then signs in: the trigger stamps the sign-in
    second = world.link(one_site)

    # When staff review the account
    answer = get(review, "/admin/accounts/49418/portal-logins")

    # Then both logins are there, with their contacts' grants, the accepted invitation and today's sign-in
    assert answer.status == 200, answer.body
    items = {i["email"]: i for i in answer.body["items"]}
    assert set(items) == {"all.sites@example.com", "one.site@example.com"}
    assert answer.body["next_cursor"] is None
    ana = items["all.sites@example.com"]
    assert ana["login_id"] == first.login_id
    assert ana["enabled"] is True
    assert ana["last_sign_in_at"].startswith(TODAY.isoformat())
    assert ana["invitation"] == {"status": "accepted", "delivery": "pending"}
    assert ana["contacts"] == [
        {"contact_id": all_sites["contact_id"], "name": "Ana Allsites", "level": "account",
         "all_sites": True, "site_ids": [], "roles": {}}
    ]  # fmt: skip
    assert items["one.site@example.com"]["login_id"] == second.login_id
    assert items["one.site@example.com"]["contacts"][0]["site_ids"] == ["49418001"]
    assert items["one.site@example.com"]["contacts"][0]["roles"] == {"49418001": ["Role 1"]}

    # And the CSV is the same rows, the formula-like name escaped
    headers, rows = csv_rows(review, "/admin/accounts/49418/portal-logins")
    assert headers["Content-Type"].startswith("text/csv")
    assert rows == [as_csv_cells(review.module.account_row(_model(review, i))) for i in answer.body["items"]]
    assert {r["contact_names"] for r in rows} == {"Ana Allsites", '\'=HYPERLINK("http://x","y")'}


def _model(review: Function, item: dict[str, Any]) -> Any:
    return review.module.AccountPortalLogin.model_validate(item)


def test_a_later_sign_in_moves_the_stamp_and_the_review_reads_in_bounded_calls(world, triggers, review, calls):
    login = world.link(world.new_contact("49418", email="again@example.com"))
    before = get(review, "/admin/accounts/49418/portal-logins").body["items"][0]["last_sign_in_at"]
    calls.clear()
    world.pool.sign_in("again@example.com", GOOD_PASSWORD)
    assert calls.operations("dynamodb") == ["UpdateItem"]  # the trigger's one write
    for n in range(5):  # more logins on the account: the same calls per page
        world.link(world.new_contact("49418", email=f"more{n}@example.com"))
    calls.clear()
    after = {i["login_id"]: i for i in get(review, "/admin/accounts/49418/portal-logins").body["items"]}
    assert after[login.login_id]["last_sign_in_at"] >= before
    assert len(after) == 6
    # the account, the page of logins, their contacts (consistent), login items, pointers, invitations
    assert calls.operations("dynamodb") == ["GetItem", "Query", *["BatchGetItem"] * 4]
    # a page that is one login (limit 1) reads on to that login's end: one Query more
    calls.clear()
    assert len(get(review, "/admin/accounts/49418/portal-logins", query={"limit": "1"}).body["items"]) == 1
    assert calls.operations("dynamodb") == ["GetItem", "Query", "Query", *["BatchGetItem"] * 4]


def test_dormant_logins_page_across_shards_and_never_signed_in_counts(world, review, triggers, post_auth):
    # Given three logins that signed in today (the trigger) and two that never did (linked
    # with no trigger installed: a sign-in that went through before this item existed is the same)
    signed = [world.link(world.new_contact("49418", email=f"signed{n}@example.com")) for n in range(3)]
    backend = cognitoidp_backends["123456789012"][REGION]
    patched = backend.initiate_auth
    del backend.initiate_auth  # moto's own again
    never = [world.link(world.new_contact("49418", email=f"never{n}@example.com")) for n in range(2)]
    backend.initiate_auth = patched  # type: ignore[method-assign]

    # When staff ask for logins not signed in since today, one at a time
    found: list[dict[str, Any]] = []
    cursor = None
    for _ in range(10):
        query = {"signed_in_before": TODAY.isoformat(), "limit": "1", **({"cursor": cursor} if cursor else {})}
        page = get(review, "/admin/portal-logins", query=query)
        assert page.status == 200, page.body
        found.extend(page.body["items"])
        cursor = page.body["next_cursor"]
        if cursor is None:
            break

    # Then exactly the two that never signed in, once each
    assert sorted(i["login_id"] for i in found) == sorted(n.login_id for n in never)
    assert all(i["last_sign_in_at"] is None for i in found)
    # and before tomorrow: all five, in one page; the CSV holds the same rows
    tomorrow = (TODAY + timedelta(days=1)).isoformat()
    everyone = get(review, "/admin/portal-logins", query={"signed_in_before": tomorrow, "limit": "100"})
    assert {i["login_id"] for i in everyone.body["items"]} == {x.login_id for x in [*signed, *never]}
    _, rows = csv_rows(review, "/admin/portal-logins", {"signed_in_before": tomorrow, "limit": "100"})
    assert rows == [as_csv_cells(i) for i in everyone.body["items"]]


@pytest.mark.parametrize(
    ("path", "query", "status"),
    [
        ("/admin/accounts/00000/portal-logins", None, 404),
        ("/admin/portal-logins", None, 422),
        ("/admin/portal-logins", {"signed_in_before": "yesterday"}, 422),
        ("/admin/portal-logins", {"signed_in_before": "2026-01-01", "cursor": "bm90LWEtY3Vyc29y"}, 422),
    ],
)
def test_bad_requests_are_4xx(stack, review, path, query, status):
    assert get(review, path, query=query).status == status


def test_the_trigger_never_fails_a_sign_in(post_auth, stack, monkeypatch, capsys):
    event = load_event("post_authentication.json")
    assert post_auth.invoke(event) == event  # stamped, and the event goes back as it came
    broken = {**event, "request": {"userAttributes": {}}}
    assert post_auth.invoke(broken) == broken  # not readable: logged and counted, not raised
    monkeypatch.setattr(post_auth.module.stamps, "_logins", None)  # any failure of ours
    assert post_auth.invoke(event) == event
    # counted as the template's SignInStampFailedAlarm watches it: namespace, the one dimension
    failed = [m for m in _emitted_metrics(capsys.readouterr().out) if "SignInStampFailed" in m]
    assert len(failed) == 2
    assert {(m["_aws"]["CloudWatchMetrics"][0]["Namespace"], m["service"]) for m in failed} == {
        ("PortalAccess", "portal-access")
    }
    assert failed[0]["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["service"]]


def _emitted_metrics(stdout: str) -> list[dict[str, Any]]:
    """The CloudWatch embedded-metric-format lines Powertools printed."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith('{"_aws"')]
    return [line for line in lines if isinstance(line, dict)]


def test_a_refused_role_gets_403_from_the_review(stack, review):
    answer = call(
        review,
        http_event("GET", "/admin/portal-logins", query={"signed_in_before": "2026-01-01"},
                   claims={**_staff_claims(), "cognito:groups": "[]"}),
    )  # fmt: skip
    assert answer.status == 403


def _staff_claims() -> dict[str, Any]:
    from devkit.events import STAFF_CLAIMS

    return dict(STAFF_CLAIMS)


def _logins(review: Function, path: str, query: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Every page of a review list (limit 100), by login id."""
    found: dict[str, dict[str, Any]] = {}
    cursor = None
    for _ in range(20):
        page = get(review, path, query={**query, "limit": "100", **({"cursor": cursor} if cursor else {})})
        assert page.status == 200, page.body
        found.update((i["login_id"], i) for i in page.body["items"])
        cursor = page.body["next_cursor"]
        if cursor is None:
            return found
    raise AssertionError("more than 20 pages")


def _switched(review: Function) -> dict[str, bool]:
    """Every login's `enabled` in the dormant list (before tomorrow: all of them), JSON and CSV alike."""
    query = {"signed_in_before": (TODAY + timedelta(days=1)).isoformat()}
    listed = {login_id: item["enabled"] for login_id, item in _logins(review, "/admin/portal-logins", query).items()}
    _, rows = csv_rows(review, "/admin/portal-logins", {**query, "limit": "100"})
    assert {r["login_id"]: r["enabled"] == "true" for r in rows} == listed
    return listed


def test_a_login_staff_switch_off_and_on_reads_so_in_the_review_at_once(world, triggers, review):
    # Given a login that signed in (its item says enabled), through its one contact
    contact = world.new_contact("49418", email="switched@example.com")
    login = world.link(contact)
    assert _switched(review)[login.login_id] is True

    # When staff switch its contact's portal access off: the login is switched off
    set_portal_access(world, contact["contact_id"], enabled=False)

    # Then the review says so at once, with no sign-in in between
    assert _switched(review)[login.login_id] is False
    assert world.pool.user("switched@example.com")["Enabled"] is False

    # And on again when the contact gets portal access back
    set_portal_access(world, contact["contact_id"], enabled=True)
    assert _switched(review)[login.login_id] is True


def test_an_unlinked_login_reads_disabled_and_leaves_the_account_review(world, triggers, review):
    # Given a signed-in login on the account through its one contact
    contact = world.new_contact("49418", email="unlinked@example.com")
    login = world.link(contact)
    assert login.login_id in _logins(review, "/admin/accounts/49418/portal-logins", {})

    # When staff unlink the contact
    assert world.staff("DELETE", f"/admin/contacts/{contact['contact_id']}").status == 204

    # Then it cannot see the account: not a row of its review, in JSON or CSV
    assert login.login_id not in _logins(review, "/admin/accounts/49418/portal-logins", {})
    _, rows = csv_rows(review, "/admin/accounts/49418/portal-logins", {"limit": "100"})
    assert login.login_id not in {r["login_id"] for r in rows}
    # and the logins list shows it switched off
    assert _switched(review)[login.login_id] is False


def test_a_failed_write_of_the_login_item_never_fails_the_staff_request(
    world, triggers, review, *, contacts_function, monkeypatch, caplog
):
    contact = world.new_contact("49418", email="unwritten@example.com")
    login = world.link(contact)

    def refuse(login_id: str, *, enabled: bool) -> None:
        raise ClientError({"Error": {"Code": "ProvisionedThroughputExceededException"}}, "UpdateItem")

    monkeypatch.setattr(contacts_function.module.api.contacts._login_records, "set_enabled", refuse)
    set_portal_access(world, contact["contact_id"], enabled=False)  # 200 all the same

    assert world.pool.user("unwritten@example.com")["Enabled"] is False  # the switch itself went
    assert "login item not switched" in caplog.text
    assert _switched(review)[login.login_id] is True  # left as it was: logged and counted


def _pages(review: Function, path: str, limit: int) -> list[list[dict[str, Any]]]:
    """Every page of a review list at that page size; each page's CSV holds the same rows."""
    pages: list[list[dict[str, Any]]] = []
    cursor = None
    for _ in range(30):
        query = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        page = get(review, path, query=query)
        assert page.status == 200, page.body
        headers, rows = csv_rows(review, path, query)
        assert rows == [as_csv_cells(review.module.account_row(_model(review, i))) for i in page.body["items"]]
        assert headers.get("X-Next-Cursor") == page.body["next_cursor"]
        pages.append(page.body["items"])
        cursor = page.body["next_cursor"]
        if cursor is None:
            return pages
    raise AssertionError("more than 30 pages")


def test_a_login_with_several_contacts_on_the_account_is_one_row_with_all_of_them_at_every_page_size(world, review):
    # Given a login linked through three contacts of 49418 made apart, with other logins'
    # contacts made in between (the Contacts grid's order would split it across pages)
    multi = [world.new_contact("49418", email="multi@example.com", name="Multi One")]
    solo = [world.link(world.new_contact("49418", email="solo1@example.com")).login_id]
    multi.append(world.new_contact("49418", email="multi@example.com", name="Multi Two"))
    solo.append(world.link(world.new_contact("49418", email="solo2@example.com")).login_id)
    site_level = {"level": "site", "site_id": "49418002"}
    multi.append(world.new_contact("49418", email="Multi@Example.com", name="Multi Three", **site_level))
    solo.append(world.link(world.new_contact("49418", email="solo3@example.com")).login_id)
    logins = {world.link(c).login_id for c in multi}
    assert len(logins) == 1
    (login_id,) = logins

    for limit in (1, 2, 3, 4, 100):
        # When staff page through the account's review at that size
        pages = _pages(review, "/admin/accounts/49418/portal-logins", limit)

        # Then each login is one row, on one page, with every one of its contacts there
        rows = [row for page in pages for row in page]
        assert sorted(r["login_id"] for r in rows) == sorted([login_id, *solo]), limit
        assert all(len(page) <= limit for page in pages)
        (row,) = [r for r in rows if r["login_id"] == login_id]
        assert sorted(c["contact_id"] for c in row["contacts"]) == sorted(c["contact_id"] for c in multi), limit
        assert {c["name"]: c["site_ids"] for c in row["contacts"]} == {
            "Multi One": [], "Multi Two": [], "Multi Three": ["49418002"]
        }  # fmt: skip


def test_a_contact_switched_off_takes_its_login_off_the_account_when_it_was_its_last_there(world, review):
    # Given a login with two contacts on 49418, and another login with one
    first = world.new_contact("49418", email="two@example.com", name="Two A")
    second = world.new_contact("49418", email="two@example.com", name="Two B")
    two = world.link(first)
    assert world.link(second).login_id == two.login_id
    only = world.new_contact("49418", email="one@example.com", name="One Only")
    one = world.link(only)

    # When staff switch off one of the first login's contacts, and the other login's only one
    set_portal_access(world, first["contact_id"], enabled=False)
    set_portal_access(world, only["contact_id"], enabled=False)

    # Then the first login is a row with the contact that still grants; the other cannot see
    # the account and is no row; the CSV holds the same rows
    rows = _logins(review, "/admin/accounts/49418/portal-logins", {})
    assert [c["name"] for c in rows[two.login_id]["contacts"]] == ["Two B"]
    assert rows[two.login_id]["enabled"] is True
    assert one.login_id not in rows
    _, cells = csv_rows(review, "/admin/accounts/49418/portal-logins", {"limit": "100"})
    assert {r["login_id"]: r["contact_names"] for r in cells} == {
        login_id: "; ".join(c["name"] for c in row["contacts"]) for login_id, row in rows.items()
    }
    # And the logins list shows the second switched off (no access left anywhere), the first on
    assert _switched(review)[one.login_id] is False
    assert _switched(review)[two.login_id] is True


def test_each_sign_in_form_runs_the_trigger_once(template, portal_pool) -> None:
    # moto's AdminRespondToAuthChallenge answers through RespondToAuthChallenge: one sign-in,
    # whichever form ends it, is one Post Authentication run, as on Cognito
    import boto3

    runs: list[str] = []
    install_triggers(
        template,
        {"PortalUserPool": portal_pool.pool_id},
        lambda _id, event: runs.append(event["userName"]),
        region=REGION,
    )
    cognito = boto3.client("cognito-idp", region_name=REGION)
    email = "first.sign.in@example.com"
    cognito.admin_create_user(
        UserPoolId=portal_pool.pool_id, Username=email, TemporaryPassword="Temp-Pass-2026!", MessageAction="SUPPRESS"
    )
    challenge = cognito.initiate_auth(
        ClientId=portal_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": "Temp-Pass-2026!"},
    )
    assert challenge["ChallengeName"] == "NEW_PASSWORD_REQUIRED"
    assert runs == []

    answer = cognito.admin_respond_to_auth_challenge(
        UserPoolId=portal_pool.pool_id,
        ClientId=portal_pool.client_id,
        ChallengeName="NEW_PASSWORD_REQUIRED",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": GOOD_PASSWORD},
    )
    assert "AuthenticationResult" in answer
    assert len(runs) == 1

    cognito.initiate_auth(
        ClientId=portal_pool.client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": GOOD_PASSWORD},
    )
    assert len(runs) == 2
