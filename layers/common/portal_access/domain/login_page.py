"""What the portal's public login page shows, from the system options.

Staff type the login message and terms as HTML; the page renders them, so they are cleaned
with a real HTML sanitiser (nh3, the Rust `ammonia` allow-list) on the way out: no script or
style, no event-handler attributes, no URL scheme other than http(s), mailto and tel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import nh3

from portal_access.models.settings import LoginConfig, LoginPageHtml, SystemOptions

if TYPE_CHECKING:
    from portal_access.domain.system_options import OptionsSource

_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitise_html(html: str) -> str:
    """An allow-list of formatting tags and harmless attributes; everything else is dropped
    (script and style with their content). Links get rel="noopener noreferrer"."""
    if not html:
        return ""
    return nh3.clean(html, url_schemes=_URL_SCHEMES, clean_content_tags={"script", "style"})


def preview(typed: LoginPageHtml) -> LoginPageHtml:
    """What the login page will show of the login message and terms staff typed (the terms only
    while "Display Login Terms" is on): the same sanitiser as `login_config`, nothing stored."""
    return LoginPageHtml(
        login_message_html=sanitise_html(typed.login_message_html),
        login_terms_html=sanitise_html(typed.login_terms_html),
    )


def login_config(options: SystemOptions) -> LoginConfig:
    return LoginConfig(
        request_login_enabled=options.enable_request_login_button,
        login_message_html=sanitise_html(options.login_message_html),
        login_terms_html=sanitise_html(options.login_terms_html) if options.display_login_terms else "",
        login_logo_url=str(options.login_logo_url) if options.login_logo_url else None,
        payment_as_guest_enabled=options.enable_payment_as_guest,
        account_request_via_address_enabled=options.enable_account_request_via_address,
    )


class LoginPage:
    def __init__(self, *, options: OptionsSource) -> None:
        self._options = options

    def config(self) -> LoginConfig:
        return login_config(self._options())
