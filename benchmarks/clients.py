"""Python load clients: browsers with their own cookies and CSRF tokens, a buyer, the till.

urllib follows each POST's redirect the way a browser does (303/302 → GET), so one call is one
round trip as the user sees it. Latencies are wall time from time.perf_counter, in ms.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from typing import Protocol
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import HTTPCookieProcessor, ProxyHandler, Request, build_opener

TIMEOUT = 10
# The checkout form's fields besides the token and key (the shape of tests/factories.py's).
BUYER = {
    "email": "tourist@example.com",
    "name": "Camille Martin",
    "phone": "+33 6 12 34 56 78",
    "delivery": "pickup",
}
BASKET = 5  # pieces per showroom sale: the till's basket is emptied after this many scans


class BenchError(RuntimeError):
    """The shop gave an answer the benchmark did not expect (status, page or missing field)."""


@dataclass
class Page:
    """The page a request ended on, after its redirects."""

    status: int
    path: str
    body: str

    def field(self, name: str) -> str:
        """The value of the form field `name` (a hidden input); BenchError when absent."""
        found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]*)"', self.body)
        if not found:
            raise BenchError(f"{self.path} has no {name} field")
        return found.group(1)


class Browser:
    """One person's browser: its own cookies (so its own session), following redirects."""

    def __init__(self, base: str, *, forwarded_for: str | None = None) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.opener = build_opener(ProxyHandler({}), HTTPCookieProcessor(self.cookies))
        if forwarded_for:  # a distinct client address, as the trusted proxy would report it
            self.opener.addheaders.append(("X-Forwarded-For", forwarded_for))
        self.page = Page(0, "", "")

    def open(self, path: str, form: dict | None = None, *, expect: str = "") -> Page:
        """GET path, or POST the form; the final page must be a 200 at a path starting `expect`."""
        data = urlencode(form).encode() if form is not None else None
        try:
            with self.opener.open(self.base + path, data, timeout=TIMEOUT) as response:
                page = Page(response.status, urlsplit(response.geturl()).path, _text(response))
        except HTTPError as exc:
            with exc:
                page = Page(exc.code, urlsplit(exc.geturl()).path, _text(exc))
        except OSError as exc:
            raise BenchError(f"{path}: {exc}") from exc
        if page.status != 200 or not page.path.startswith(expect):
            verb = "POST" if form is not None else "GET"
            raise BenchError(f"{verb} {path} ended at {page.path} with {page.status}")
        self.page = page
        return page

    def post(self, path: str, fields: dict, *, expect: str = "") -> Page:
        """Submit a form of the current page: its CSRF token goes with the fields."""
        token = self.page.field("csrf_token")
        return self.open(path, {"csrf_token": token, **fields}, expect=expect)

    def cookie_header(self) -> str:
        """This browser's cookies as a Cookie header value, for another client (wrk)."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)


def _text(response) -> str:
    return response.read().decode("utf-8", errors="replace")


def sign_in(base: str, email: str, password: str) -> Browser:
    """A browser signed in through the sign-in form; BenchError when the shop refuses."""
    browser = Browser(base)
    browser.open("/login")
    page = browser.post("/login", {"email": email, "password": password})
    if page.path == "/login":
        raise BenchError(f"sign-in as {email} refused")
    return browser


def answers_signed_in(url: str, cookie: str) -> bool:
    """Whether url, asked with this Cookie header alone, is a 200 with no redirect to sign-in."""
    opener = build_opener(ProxyHandler({}))
    try:
        with opener.open(Request(url, headers={"Cookie": cookie}), timeout=TIMEOUT) as response:
            return response.status == 200 and response.geturl() == url
    except OSError:
        return False


@dataclass(frozen=True)
class Piece:
    """A piece on sale: its page's slug and the id its cart form posts."""

    slug: str
    id: int


def buy(browser: Browser, piece: Piece) -> None:
    """A visitor's purchase through the test gateway: product page, cart, checkout form, pay."""
    browser.open(f"/products/{piece.slug}")
    browser.post("/cart/add", {"product_id": piece.id}, expect="/cart")
    key = browser.open("/checkout", expect="/checkout").field("checkout_key")
    pay = browser.post("/checkout", {**BUYER, "checkout_key": key}, expect="/checkout/test-pay/")
    browser.post(pay.path, {"decision": "pay"}, expect="/orders/")


@dataclass
class Purchases:
    """The buyer's purchases: None for each one paid, else why it failed."""

    outcomes: list[str | None] = field(default_factory=list)

    @property
    def paid(self) -> int:
        """How many purchases ended on a paid order's page."""
        return self.outcomes.count(None)

    @property
    def failures(self) -> list[str]:
        """Why the others failed."""
        return [outcome for outcome in self.outcomes if outcome is not None]


def _buy_one(base: str, piece: Piece, number: int, tally: Purchases) -> None:
    # Each buyer is a new visitor at their own address (checkout is limited per address).
    browser = Browser(base, forwarded_for=f"198.51.100.{number % 254 + 1}")
    try:
        buy(browser, piece)
    except BenchError as exc:
        tally.outcomes.append(str(exc))
    else:
        tally.outcomes.append(None)


def _buy_each(base: str, pieces: Sequence[Piece], every: float, stop: threading.Event, tally):
    # A new buyer arrives every `every` seconds however long the others take.
    buyers, due = [], time.monotonic()
    for number, piece in enumerate(pieces):
        if stop.wait(max(0.0, due - time.monotonic())):
            break
        buyers.append(
            threading.Thread(target=_buy_one, args=(base, piece, number, tally), daemon=True)
        )
        buyers[-1].start()
        due += every
    for buyer in buyers:
        buyer.join(timeout=6 * TIMEOUT)  # five requests at most, each limited


@contextmanager
def buying(base: str, pieces: Sequence[Piece], every: float = 1.0) -> Iterator[Purchases]:
    """A buyer for the next piece arrives every `every` seconds while the block runs.

    On leaving the block no new buyer comes; those under way finish and are counted.
    """
    tally, stop = Purchases(), threading.Event()
    # Daemon threads, so that Ctrl-C ends the benchmark without waiting for them.
    thread = threading.Thread(
        target=_buy_each, args=(base, pieces, every, stop, tally), daemon=True
    )
    thread.start()
    try:
        yield tally
    finally:
        stop.set()
        thread.join(timeout=7 * TIMEOUT)


class RoundTrip(Protocol):
    """One client of a timed loop."""

    def __call__(self) -> float:
        """Do one round trip; return its time in ms (untimed chores may come before it)."""


@dataclass
class Timing:
    """Round trips of `clients` clients, each back to back."""

    clients: int
    latencies: list[float]
    errors: list[str]

    @property
    def rps(self) -> float:
        """Round trips per second the clients get together: clients over the mean time."""
        return self.clients * 1000 * len(self.latencies) / sum(self.latencies)

    def percentile(self, share: float) -> float:
        """Nearest-rank percentile of the round trips, in ms (share 0.5 is the median)."""
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def time_round_trips(clients: Sequence[RoundTrip], seconds: float, warm_up: int = 3) -> Timing:
    """Run every client in its own thread for `seconds`, all starting together after a warm-up."""
    timing = Timing(len(clients), [], [])
    start = threading.Barrier(len(clients), timeout=120)

    def run(client: RoundTrip) -> None:
        try:
            for _ in range(warm_up):
                client()
        except BenchError as exc:
            timing.errors.append(f"warm-up: {exc}")
        start.wait()
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            try:
                timing.latencies.append(client())
            except BenchError as exc:
                timing.errors.append(str(exc))

    threads = [threading.Thread(target=run, args=(client,), daemon=True) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 180)
    if not timing.latencies:
        raise BenchError("no round trip succeeded: " + "; ".join(timing.errors[:3]))
    return timing


class Till:
    """A staff member at the till: scans the next code and checks it is in the basket.

    The basket is emptied (untimed) after every BASKET scans, as a sale would end.
    """

    def __init__(self, browser: Browser, codes: Sequence[str]) -> None:
        self.browser, self.codes, self.scanned = browser, codes, 0

    def __call__(self) -> float:
        """One scan-and-add: POST the code, follow the redirect to the till page; in ms."""
        if self.scanned and self.scanned % BASKET == 0:
            self.browser.post("/staff/pos/basket", {"action": "clear"}, expect="/staff/pos")
        code = self.codes[self.scanned % len(self.codes)]
        started = time.perf_counter()
        page = self.browser.post("/staff/pos/scan", {"code": code}, expect="/staff/pos")
        elapsed = (time.perf_counter() - started) * 1000
        self.scanned += 1
        if code not in page.body:
            raise BenchError(f"scanned {code}: not in the till's basket")
        return elapsed


class BarePost:
    """The same round trip on the bare app: POST /, follow its redirect to GET /."""

    def __init__(self, base: str) -> None:
        self.browser = Browser(base)

    def __call__(self) -> float:
        """One POST-redirect-GET, in ms."""
        started = time.perf_counter()
        self.browser.open("/", {"code": "x"})
        return (time.perf_counter() - started) * 1000
