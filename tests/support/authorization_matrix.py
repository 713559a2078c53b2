"""The authorization matrix both tiers run: every /portal and /admin route of template.yaml
against every identity. tests/integration/portal runs it in-process (the gateway's part read
from the template's Auth settings), tests/e2e over HTTP through the local stack's gateway."""

from __future__ import annotations

import re
from collections.abc import Mapping

from devkit.routes import Route, routes_of
from devkit.template import load_template

IDENTITIES = ("anonymous", "staff", "all_sites", "one_site", "other_account", "just_disabled")
POOL_OF: dict[str, str | None] = {
    "anonymous": None,
    "staff": "StaffAuthorizer",
    "all_sites": "PortalAuthorizer",
    "one_site": "PortalAuthorizer",
    "other_account": "PortalAuthorizer",
    "just_disabled": "PortalAuthorizer",  # its token was issued before: valid until it expires
}
# The contract's public /portal routes (the login page); every other /portal route is signed in.
PUBLIC_PORTAL_ROUTES = frozenset(
    {
        "GET /portal/login-config",
        "POST /portal/self-registrations",
        "POST /portal/invitations/accept",
        "POST /portal/invitations/refresh",
        "POST /portal/invitations/check",
        "POST /portal/access-requests",
    }
)
ADMITTED = "admitted"  # the function answered, and not 401/403/5xx: it did not refuse the caller
GATEWAY_401 = "401 gateway"
# Staff and public probes send a body no route accepts (a JSON array) and ids that do not exist,
# so a probe never writes: the answer says whether the caller got in, not what the input does.
REFUSED_BODY = "[]"
MISSING_ID = "matrix-none"


def matrix_routes() -> list[Route]:
    """Every /portal and /admin route of template.yaml; signed-in portal routes first."""
    routes = [r for r in routes_of(load_template()) if r.path.startswith(("/portal/", "/admin/"))]
    order = {"PortalAuthorizer": 0, None: 1}
    return sorted(routes, key=lambda r: (order.get(r.authorizer, 2), r.route_key))


def gateway_admits(route: Route, identity: str) -> bool:
    """A JWT authorizer lets through only a valid token of its own pool; a public route, anyone."""
    return route.authorizer is None or POOL_OF[identity] == route.authorizer


def portal_probes(
    demo: str, demo_sites: tuple[str, str, str, str], other: str, other_sites: tuple[str, str]
) -> dict[str, dict[str, dict[str, str]]]:
    """Signed-in portal requests whose answer depends on the login, and each login's answer.

    `demo` has sites (granted to one_site, not granted to it, added after the grants, and
    one that does not exist); `other` is the other_account login's account with two sites.
    A /portal/me cell names the accounts seen and how many sites each shows ("-": none)."""
    granted, not_granted, added_later, missing = demo_sites
    site = "/portal/accounts/{}/sites/{}"
    denied = {"all_sites": "404", "one_site": "404", "other_account": "404", "just_disabled": "404"}
    return {
        "GET /portal/me": {
            "/portal/me": {
                "all_sites": f"200 {demo}:4",
                "one_site": f"200 {demo}:1",
                "other_account": f"200 {other}:2",
                "just_disabled": "200 -",
            },
        },
        "GET /portal/accounts/{account_id}/sites/{site_id}": {
            site.format(demo, granted): {**denied, "all_sites": "200", "one_site": "200"},
            site.format(demo, not_granted): {**denied, "all_sites": "200"},
            site.format(demo, added_later): {**denied, "all_sites": "200"},
            site.format(other, other_sites[0]): {**denied, "other_account": "200"},
            site.format(demo, missing): dict(denied),
            site.format(MISSING_ID, missing): dict(denied),
        },
    }


def probe_paths(route: Route, probes: Mapping[str, Mapping[str, object]], ids: Mapping[str, str]) -> list[str]:
    known = probes.get(route.route_key)
    if known:
        return list(known)
    return [re.sub(r"\{([^}]+)\}", lambda m: ids.get(m.group(1), MISSING_ID), route.path)]


def expected_cell(route: Route, path: str, identity: str, probes: Mapping[str, Mapping[str, Mapping[str, str]]]) -> str:
    if not gateway_admits(route, identity):
        return GATEWAY_401
    known = probes.get(route.route_key)
    if known and identity in known[path]:
        return known[path][identity]
    return ADMITTED


def me_cell(body: Mapping[str, object]) -> str:
    accounts = body.get("accounts")
    assert isinstance(accounts, list)
    seen = [f"{a['account_id']}:{len(a['sites'])}" for a in accounts]
    return f"200 {','.join(seen) or '-'}"


def admitted_or_status(status: int) -> str:
    return f"{status} (refused)" if status in (401, 403) or status >= 500 else ADMITTED


def table(rows: Mapping[str, Mapping[str, str]]) -> str:
    width = max(len(r) for r in rows)
    lines = [f"{'':<{width}} | " + " | ".join(f"{i:>14}" for i in IDENTITIES)]
    lines += [f"{r:<{width}} | " + " | ".join(f"{cells[i]:>14}" for i in IDENTITIES) for r, cells in rows.items()]
    return "\n".join(lines)
