"""The staff console's lookups and previews (moto): account search, the account classes list,
the login page HTML preview and the email template preview. None of them writes anything."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from portal_access.dal.accounts_table import MAX_SEARCH_WORDS, search_terms
from portal_access.domain.login_page import sanitise_html
from tests.integration.conftest import PORTAL_CLASS

ACCOUNTS = [
    ("49418", "Renovation Gym"),
    ("21638", "The Mill"),
    ("30001", "Renovation Gymnastics Club"),
    ("40002", "Gym Renovation Partners"),
    ("50003", "Millwork & Renovation, Inc."),
    ("60004", "Total Body Wellness"),
]


@pytest.fixture
def accounts(staff) -> list[tuple[str, str]]:
    assert staff("POST", "/admin/account-classes", body=PORTAL_CLASS).status == 201
    for account_id, name in ACCOUNTS:
        body = {"account_id": account_id, "name": name, "class_id": "COMM"}
        assert staff("POST", "/admin/accounts", body=body).status == 201
    return ACCOUNTS


def search(staff, text: str, **query: str) -> list[str]:
    response = staff("GET", "/admin/accounts", query={"search": text, **query})
    assert response.status == 200, response.body
    return [a["account_id"] for a in response.body["items"]]


@pytest.mark.usefixtures("accounts")
class TestAccountSearch:
    def test_a_name_prefix_finds_the_accounts_in_name_order_whatever_the_case(self, staff):
        assert search(staff, "renovation gym") == ["49418", "30001"]
        assert search(staff, "RENO") == ["49418", "30001", "40002", "50003"]

    def test_any_word_of_the_name_is_a_prefix_too_and_an_account_is_listed_once(self, staff):
        assert sorted(search(staff, "gym")) == ["30001", "40002", "49418"]
        assert search(staff, "partn") == ["40002"]
        assert search(staff, "inc") == ["50003"]  # punctuation around a word is not part of it
        assert search(staff, "mill") == ["21638", "50003"]

    def test_an_account_number_and_its_prefix_find_it(self, staff):
        assert search(staff, "49418") == ["49418"]
        assert search(staff, "494") == ["49418"]
        assert search(staff, "  21638 ") == ["21638"]

    def test_an_answer_is_the_account_itself(self, staff):
        response = staff("GET", "/admin/accounts", query={"search": "the mill"})
        (account,) = response.body["items"]
        assert account == staff("GET", "/admin/accounts/21638").body
        assert response.body["next_cursor"] is None

    def test_nothing_matches_is_an_empty_page(self, staff):
        assert search(staff, "zebra") == []
        assert search(staff, "gymx") == []

    def test_pages_follow_the_cursor_and_list_each_account_once(self, staff):
        seen: list[str] = []
        cursor: str | None = None
        while True:
            query = {"search": "r", "limit": "1", **({"cursor": cursor} if cursor else {})}
            page = staff("GET", "/admin/accounts", query=query).body
            seen += [a["account_id"] for a in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        assert sorted(seen) == ["30001", "40002", "49418", "50003"]

    @pytest.mark.parametrize("text", ["", "   ", "x" * 101])
    def test_an_empty_or_too_long_search_is_422_naming_search(self, staff, text):
        response = staff("GET", "/admin/accounts", query={"search": text})
        assert response.status == 422
        assert response.body["error"]["field"] == "search"

    def test_a_missing_search_is_422_naming_search(self, staff):
        response = staff("GET", "/admin/accounts")
        assert response.status == 422
        assert response.body["error"]["field"] == "search"

    def test_calls_are_a_get_a_query_and_a_batch_get_never_a_scan(self, staff, calls):
        with calls.recording() as made:
            assert search(staff, "49418") == ["49418"]
            assert search(staff, "reno gym") == []
        # the number: its GetItem, and the index (whose only hit is that account, shown already);
        # text that cannot be a number: the index only, with nothing to read
        assert [c.operation for c in made] == ["GetItem", "Query", "Query"]
        with calls.recording() as made:
            assert search(staff, "gym renovation p") == ["40002"]
        assert [c.operation for c in made] == ["Query", "BatchGetItem"]  # not an account number: no Get


def test_an_exact_number_finds_its_account_first_even_when_many_names_share_the_prefix(staff):
    assert staff("POST", "/admin/account-classes", body=PORTAL_CLASS).status == 201
    for n in range(5):  # names starting with the number, sorting before the number's own term
        body = {"account_id": f"9{n}", "name": f"9 !{n} Stop", "class_id": "COMM"}
        assert staff("POST", "/admin/accounts", body=body).status == 201
    assert staff("POST", "/admin/accounts", body={"account_id": "9", "name": "Nine", "class_id": "COMM"}).status == 201

    first = staff("GET", "/admin/accounts", query={"search": "9", "limit": "2"}).body
    assert first["items"][0]["account_id"] == "9"
    rest: list[str] = []
    cursor = first["next_cursor"]
    while cursor:
        page = staff("GET", "/admin/accounts", query={"search": "9", "limit": "2", "cursor": cursor}).body
        rest += [a["account_id"] for a in page["items"]]
        cursor = page["next_cursor"]
    assert "9" not in rest + [a["account_id"] for a in first["items"][1:]]
    assert sorted(rest + [a["account_id"] for a in first["items"][1:]]) == [f"9{n}" for n in range(5)]


def test_search_terms_are_bounded_and_distinct():
    name = " ".join(f"word{n}" for n in range(30)) + " word1"
    terms = search_terms("A-1", name)
    assert terms[0] == "a-1"
    assert len(terms) == 2 + MAX_SEARCH_WORDS
    assert len(set(terms)) == len(terms)


class TestAccountClassesList:
    def test_every_class_in_id_order_with_its_settings_paged(self, staff):
        for class_id in ("RES", "COMM", "IND"):
            assert staff("POST", "/admin/account-classes", body={**PORTAL_CLASS, "class_id": class_id}).status == 201
        replaced = staff("PUT", "/admin/account-classes/IND", body={"name": "Industrial"})
        assert replaced.status == 200

        everything = staff("GET", "/admin/account-classes").body
        assert [c["class_id"] for c in everything["items"]] == ["COMM", "IND", "RES"]
        assert everything["items"][1] == staff("GET", "/admin/account-classes/IND").body
        assert everything["items"][1]["name"] == "Industrial"
        first = staff("GET", "/admin/account-classes", query={"limit": "2"}).body
        assert [c["class_id"] for c in first["items"]] == ["COMM", "IND"]
        second = staff("GET", "/admin/account-classes", query={"limit": "2", "cursor": first["next_cursor"]}).body
        assert [c["class_id"] for c in second["items"]] == ["RES"]

    def test_no_class_yet_is_an_empty_list_in_one_query(self, staff, calls):
        with calls.recording() as made:
            response = staff("GET", "/admin/account-classes")
        assert response.body == {"items": [], "next_cursor": None}
        assert [c.operation for c in made] == ["Query"]


HOSTILE_HTML = (
    '<p onclick="steal()">Welcome <a href="javascript:alert(1)">here</a>'
    '<img src=x onerror="alert(1)"><script>alert(1)</script><style>p{}</style></p>'
)


class TestLoginPagePreview:
    def test_the_preview_is_what_login_config_shows_and_nothing_is_saved(self, staff, load_function, calls):
        typed = {"login_message_html": HOSTILE_HTML, "login_terms_html": "<p>Terms <b>apply</b></p>"}
        with calls.recording() as made:
            preview = staff("POST", "/admin/system-options/customer-portal/preview", body=typed)
        assert preview.status == 200
        assert [c for c in made if c.service == "dynamodb"] == []
        assert staff("GET", "/admin/system-options/customer-portal").body["login_message_html"] == ""

        options = {"login_message_html": HOSTILE_HTML, "login_terms_html": typed["login_terms_html"]}
        assert staff("PUT", "/admin/system-options/customer-portal", body=options).status == 200
        from devkit.events import load_event
        from tests.conftest import call

        shown = call(load_function("SelfRegisterFunction"), load_event("login_config_request.json")).body
        assert preview.body == {k: shown[k] for k in ("login_message_html", "login_terms_html")}
        for html in preview.body.values():
            for dropped in ("script", "onclick", "onerror"):
                assert dropped not in html
            assert "javascript:" not in html
        assert preview.body["login_message_html"] == sanitise_html(HOSTILE_HTML)

    def test_unknown_fields_and_oversized_html_are_422_naming_them(self, staff):
        unknown = staff("POST", "/admin/system-options/customer-portal/preview", body={"login_html": "x"})
        assert (unknown.status, unknown.body["error"]["field"]) == (422, "login_html")
        huge = staff("POST", "/admin/system-options/customer-portal/preview", body={"login_terms_html": "x" * 20001})
        assert (huge.status, huge.body["error"]["field"]) == (422, "login_terms_html")


TEMPLATE = {
    "subject": "Access for {{ account_name }}",
    "html": '<p>Hi {{contact_name}}, <a href="{{invite_link}}">start</a> before {{expires_at}}</p>',
    "text": "Hi {{contact_name}} ({{email}}) of {{account_id}}: {{invite_link}} at {{portal_url}}",
}


def preview_path(name: str) -> str:
    return f"/admin/email-templates/{quote(name, safe='')}/preview"


class TestEmailTemplatePreview:
    def test_every_placeholder_is_filled_with_a_sample_value_and_nothing_is_saved(self, staff, calls):
        with calls.recording() as made:
            response = staff(
                "POST", preview_path("Portal Invite (All Divisions)"), body=TEMPLATE,
                path_parameters={"name": quote("Portal Invite (All Divisions)", safe="")},
            )  # fmt: skip
        assert response.status == 200, response.body
        assert [c for c in made if c.service == "dynamodb"] == []
        assert response.body == {
            "subject": "Access for Renovation Gym",
            "html": '<p>Hi John Doe, <a href="https://portal.example.com/invitations/accept#token=sample">start</a>'
            " before December 1, 2026 14:30 UTC</p>",
            "text": "Hi John Doe (somers378@gmail.com) of 49418: https://portal.example.com/invitations/accept"
            "#token=sample at https://portal.example.com",
        }
        saved = staff("GET", "/admin/email-templates/Portal%20Invite%20%28All%20Divisions%29",
                      path_parameters={"name": "Portal%20Invite%20%28All%20Divisions%29"})  # fmt: skip
        assert saved.body["built_in"] is True

    @pytest.mark.parametrize(
        ("part", "source"),
        [("subject", "Hi {{ nobody }}"), ("html", "<p>{{ contact_name }</p>"), ("text", "{% for %}")],
    )
    def test_a_part_that_does_not_render_is_422_naming_it(self, staff, part, source):
        body: dict[str, Any] = {**TEMPLATE, part: source}
        response = staff("POST", preview_path("Draft"), body=body, path_parameters={"name": "Draft"})
        assert response.status == 422
        assert response.body["error"]["field"] == part

    def test_a_name_no_template_can_have_is_422(self, staff):
        name = quote("<bad>", safe="")
        response = staff(
            "POST", f"/admin/email-templates/{name}/preview", body=TEMPLATE, path_parameters={"name": name}
        )
        assert (response.status, response.body["error"]["field"]) == (422, "name")

    def test_the_html_part_escapes_what_the_sample_values_carry(self, staff):
        body = {**TEMPLATE, "html": "<p>{{ contact_name ~ ' <b>&' }}</p>"}
        response = staff("POST", preview_path("Draft"), body=body, path_parameters={"name": "Draft"})
        assert response.body["html"] == "<p>John Doe &lt;b&gt;&amp;</p>"
