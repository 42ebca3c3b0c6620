"""A strict Content-Security-Policy on every page, and no inline script or style for it to block."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client

import dissent
from dissent.web.security import CONTENT_SECURITY_POLICY
from tests.conftest import PASSWORD, Personas, logged_in

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


class InlineCode(HTMLParser):
    """Collects what a strict CSP would block: inline scripts, style elements and attributes, on* handlers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("inline <script>")
        if tag == "style":
            self.found.append("<style>")
        if (
            tag == "link"
            and names.get("rel") == "stylesheet"
            and str(names.get("href", "")).startswith("http")
        ):
            self.found.append(f"stylesheet from {names['href']}")
        if tag == "script" and str(names.get("src", "")).startswith("http"):
            self.found.append(f"script from {names['src']}")
        self.found += [f"{tag} {name}=" for name in names if name == "style" or name.startswith("on")]


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_the_policy_is_the_strict_one() -> None:
    assert CONTENT_SECURITY_POLICY == CSP


def test_pages_for_visitors_carry_the_security_headers(client: Client) -> None:
    for path in ("/accounts/login/", "/accounts/password/reset/", "/no/such/page", "/api/v1/docs"):
        response = client.get(path)
        assert response["Content-Security-Policy"] == CSP, path
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style(org: Personas, client: Client) -> None:
    pages = {
        Client(): ["/accounts/login/", "/accounts/password/reset/", "/api/v1/docs"],
        logged_in(org.drafter): [
            "/",
            "/accounts/2fa/",
            "/accounts/reauthenticate/",
            "/accounts/password/change/",
        ],
        logged_in(org.admin): ["/admin/", "/admin/people/user/", "/admin/channel/channelsettings/1/change/"],
    }
    for visitor, paths in pages.items():
        for path in paths:
            response = visitor.get(path)
            assert response.status_code == 200, path
            assert response["Content-Security-Policy"] == CSP
            assert inline_code(response.content.decode()) == [], path


def test_the_authenticator_set_up_page_works_under_the_policy(org: Personas) -> None:
    client = logged_in(org.drafter)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/").content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    assert inline_code(page) == []


def test_the_api_docs_load_their_assets_from_this_site(client: Client) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset


@pytest.mark.parametrize("template", sorted((Path(dissent.__file__).parent).glob("**/templates/**/*.html")))
def test_our_templates_have_no_inline_script_or_style(template: Path) -> None:
    assert inline_code(template.read_text()) == []
