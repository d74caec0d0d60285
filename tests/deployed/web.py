"""A plain HTTP visitor of the deployed shop: its own cookie jar, forms filled from the page.

It behaves as a browser does and no more: cookies kept per visitor (Secure ones sent back to
loopback, as browsers treat localhost as a secure origin), redirects followed, and every form
posted with the fields the page gave it, CSRF token included. Nothing is read from the app.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.error import HTTPError
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import (
    HTTPCookieProcessor,
    HTTPRedirectHandler,
    ProxyHandler,
    Request,
    build_opener,
)

from markupsafe import escape

TIMEOUT_SECONDS = 30
MAX_REDIRECTS = 10


def is_loopback(host: str | None) -> bool:
    """Whether a host name is this machine, which browsers count as a secure origin."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


class LoopbackIsSecure(DefaultCookiePolicy):
    """Send Secure cookies back to http://localhost, as Chromium and Firefox do."""

    def return_ok_secure(self, cookie, request) -> bool:
        """A Secure cookie goes over https, or to loopback."""
        if cookie.secure and is_loopback(urlsplit(request.full_url).hostname):
            return True
        return super().return_ok_secure(cookie, request)


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the visitor follows redirects itself, keeping each hop


@dataclass
class Form:
    """One <form> of a page: where it posts and the fields a browser would send."""

    action: str
    method: str
    classes: set[str]
    fields: dict[str, str]


class _FormParser(HTMLParser):
    """Collects each form's fields: inputs, checked boxes, selected options, text areas."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            classes = set(a.get("class", "").split())
            self._form = Form(a.get("action", ""), a.get("method", "get").lower(), classes, {})
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "option" and self._select:
            # The first option is sent unless another is selected, as browsers do.
            if self._select not in self._form.fields or "selected" in a:
                self._form.fields[self._select] = a.get("value", "")
        elif "name" not in a:
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("radio", "checkbox") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image", "reset"):
                self._form.fields[a["name"]] = a.get("value", "on" if kind == "checkbox" else "")
        elif tag == "select":
            self._select = a["name"]
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form.fields[a["name"]] = ""

    def handle_data(self, data) -> None:
        if self._form is not None and self._textarea:
            self._form.fields[self._textarea] += data

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass
class Page:
    """One answer the visitor got, after any redirects."""

    status: int
    url: str
    headers: Message
    body: bytes
    history: list[tuple[int, str]] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The body as text."""
        return self.body.decode("utf-8", "replace")

    def shows(self, words: str) -> bool:
        """Whether the page's HTML holds `words`, escaped as the templates escape them."""
        return str(escape(words)) in self.text

    def forms(self) -> list[Form]:
        """Every form on the page."""
        parser = _FormParser()
        parser.feed(self.text)
        return parser.forms

    def form(self, *, action: str | None = None, css: str | None = None) -> Form:
        """The one form that posts to `action` (a path) or has the class `css`."""
        found = [
            f
            for f in self.forms()
            if (action is None or urlsplit(urljoin(self.url, f.action)).path == action)
            and (css is None or css in f.classes)
        ]
        assert len(found) == 1, f"{len(found)} forms match {action or css} on {self.url}"
        return found[0]


class Visitor:
    """One visitor: a cookie jar, optionally an address a trusted proxy reports for them."""

    def __init__(self, base: str, *, address: str | None = None) -> None:
        self.base = base
        self.address = address
        self.jar = CookieJar(policy=LoopbackIsSecure())
        self._opener = build_opener(ProxyHandler({}), HTTPCookieProcessor(self.jar), _NoRedirect)

    def open(
        self,
        path: str,
        *,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        follow: bool = True,
    ) -> Page:
        """Request `path` (GET, or POST with `data`); follow redirects within the shop."""
        url = urljoin(self.base, path)
        history: list[tuple[int, str]] = []
        method = "POST" if data is not None else "GET"
        for _ in range(MAX_REDIRECTS):
            sent = dict(headers or {})
            if self.address:
                sent["X-Forwarded-For"] = self.address
            request = Request(url, data=data, headers=sent, method=method)
            try:
                response = self._opener.open(request, timeout=TIMEOUT_SECONDS)
            except HTTPError as error:
                response = error
            with response:
                page = Page(response.status, url, response.headers, response.read(), history)
            location = page.headers.get("Location")
            if not (follow and 300 <= page.status < 400 and location):
                return page
            history.append((page.status, url))
            url = urljoin(url, location)
            if page.status in (301, 302, 303):
                method, data = "GET", None
            if urlsplit(url).netloc != urlsplit(self.base).netloc:
                # Off to another site (the payment page): say where, as the address bar would.
                return Page(page.status, url, page.headers, page.body, history)
        raise AssertionError(f"more than {MAX_REDIRECTS} redirects from {path}")

    def get(self, path: str, **kwargs) -> Page:
        """GET a page of the shop."""
        return self.open(path, **kwargs)

    def submit(
        self,
        page: Page,
        form: Form,
        *,
        follow: bool = True,
        headers: dict[str, str] | None = None,
        **fields: str,
    ) -> Page:
        """Send a form of `page` as a browser would, with some fields filled in or changed."""
        values = {**form.fields, **fields}
        target = urljoin(page.url, form.action or page.url)
        body = urlencode(values).encode()
        if form.method == "post":
            sent = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": page.url,
                **(headers or {}),
            }
            return self.open(target, data=body, headers=sent, follow=follow)
        return self.open(f"{target}?{body.decode()}", headers=headers, follow=follow)

    def cookie(self, name: str):
        """The visitor's cookie called `name`, or None."""
        return next((c for c in self.jar if c.name == name), None)
