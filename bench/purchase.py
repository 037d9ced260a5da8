"""`make bench`'s purchase row: shoppers buying the cream through the whole checkout, under load.

    python -m bench.purchase load --shop URL --standin URL --product PATH [--shoppers 32]
        [--duration 60] [--processes 4] [--think 1]  -> JSON on stdout: steps, purchases, errors
    python -m bench.purchase check --standin URL --after-order N   (DJANGO_SETTINGS_MODULE set)
        -> JSON on stdout: the database invariants, each {"check", "ok", "detail"}

Each shopper is a new visitor every time round: home, the cream's page, a size into the basket,
the basket, GETINFUSED in the basket's form, the checkout's first page, a guest with a unique
email, the shipping address (the browser follows the shipping method, payment method and
payment details redirects to the preview), "Pay" (POST /checkout/preview/ action=place_order,
which redirects to the stand-in's hosted page), paying with 4242 4242 4242 4242 through the
stand-in's test control (its time, not ours), and the return URL, followed to the thank-you page.
A step is what a browser waits for: its request and the redirects it follows. Between steps a
shopper reads the page for `--think` seconds on average (0.5-1.5 times it, so shoppers don't
move in lockstep); `--think 0` measures the saturated server instead, where a step's latency is
mostly its wait in the queue of 32 shoppers for a few workers. A step fails on
any status but 2xx/3xx, a redirect somewhere else than the journey's next page, an error
message in Django's messages cookie, or a page without what it must show; the shopper then
starts over as a new visitor. At the deadline each shopper finishes the purchase under way, so
every order the run placed is paid (or failed) before the database is checked.

The load generator is kept light so that it does not starve the server it measures on 2 cores:
http.client with a cookie dict and one regex per form, no requests/urllib3, threads (the
shoppers wait on sockets) in a few processes so that no GIL holds a measured request back. It
reports its own CPU time (getrusage of each process, start-up included): about 11 ms per
purchase of some 20 requests, 5 % of one core at 32 shoppers and 4-5 purchases a second on the
2-core machine, against the several hundred ms the server spends on one.
"""

import argparse
import base64
import http.client
import json
import multiprocessing
import random
import re
import resource
import sys
import threading
import time
import uuid
import zlib
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

STEPS = [
    # key, label, whose server answers
    ("home", "home", "ours"),
    ("product", "product page", "ours"),
    ("add", "add a size to the basket", "ours"),
    ("basket", "basket", "ours"),
    ("code", "apply GETINFUSED (basket form)", "ours"),
    ("checkout", "checkout, first page", "ours"),
    ("guest", "guest email", "ours"),
    ("address", "shipping address to the preview", "ours"),
    ("place", "Pay: place the order, open the session", "ours"),
    ("pay", "pay at the stand-in (its test control)", "stand-in"),
    ("return", "return URL to the thank-you page", "ours"),
]
ADDRESS = {
    "first_name": "Ann",
    "last_name": "Lee",
    "line1": "1 Main Street",
    "line4": "Springfield",
    "state": "IL",
    "postcode": "62701",
    "country": "US",
    "phone_number": "",
}
PAYS = "4242424242424242"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHILD_INPUT = re.compile(r'<input[^>]*name="child_id"[^>]*>')
VALUE = re.compile(r'value="(\d+)"')
ADD_FORM = re.compile(r'action="(/basket/add/\d+/)"')
SESSION_URL = re.compile(r"/pay/(cs_[\w-]+)$")
ERROR_LEVEL = 40  # django.contrib.messages.ERROR
MAX_REDIRECTS = 8
SAMPLE_ERRORS = 20


class StepFailed(Exception):
    pass


class Browser:
    """One visitor: a cookie jar for the shop and a connection per host (reopened when the
    server closes it, as gunicorn's sync workers do after each response)."""

    def __init__(self, shop: str, standin: str, timeout: float = 30):
        self.shop, self.standin = urlsplit(shop), urlsplit(standin)
        self.timeout = timeout
        self.connections: dict[str, http.client.HTTPConnection] = {}
        self.cookies: dict[str, str] = {}
        self.messages: list[tuple[int, str]] = []

    def new_visitor(self) -> None:
        self.cookies.clear()
        self.messages = []

    def request(self, method: str, url: str, form: dict | None = None):
        """One request; returns (status, Location header, body)."""
        parts = urlsplit(url)
        netloc = parts.netloc or self.shop.netloc
        ours = netloc == self.shop.netloc
        headers = {"Host": netloc}
        if ours and self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile: once more
            connection = self.connections.get(netloc)
            if connection is None:
                connection = http.client.HTTPConnection(netloc, timeout=self.timeout)
                self.connections[netloc] = connection
            try:
                connection.request(method, path or "/", body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                del self.connections[netloc]
                if attempt == 2:
                    raise
        if response.will_close:
            connection.close()
            del self.connections[netloc]
        if ours:
            for header in response.headers.get_all("Set-Cookie") or ():
                self._cookie_set(header)
        return response.status, response.headers.get("Location", ""), content.decode()

    def _cookie_set(self, header: str) -> None:
        jar = SimpleCookie()
        jar.load(header)
        for name, morsel in jar.items():
            if not morsel.value or morsel["max-age"] == "0":
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value
                if name == "messages":
                    self.messages = _messages_decode(morsel.value)

    def go(self, method: str, url: str, form: dict | None = None, *, then: str, follow=True):
        """A browser step: the request and the redirects it follows. The last page must be
        `then` (a path); returns its body, or the redirect's Location when follow is False."""
        self.messages = []
        status, location, body = self.request(method, url, form)
        for _ in range(MAX_REDIRECTS):
            if status >= 400 or status < 200:
                raise StepFailed(f"{method} {url}: HTTP {status}")
            if status not in (301, 302, 303, 307, 308) or not follow:
                break
            url, method, form = location, "GET", None
            status, location, body = self.request("GET", url)
        errors = [text for level, text in self.messages if level >= ERROR_LEVEL]
        if errors:
            raise StepFailed(f"{url}: error message {errors[0]!r}")
        if not follow:
            if status not in (302, 303):
                raise StepFailed(f"{method} {url}: HTTP {status}, not a redirect")
            return location
        if status != 200 or urlsplit(url).path != then:
            raise StepFailed(f"ended on {urlsplit(url).path} (HTTP {status}), not {then}")
        return body


def _messages_decode(value: str) -> list[tuple[int, str]]:
    """Django's signed messages cookie, read without checking the signature (we only look)."""
    payload = value.split(":", 1)[0]
    compressed = payload.startswith(".")
    payload = payload.lstrip(".")
    try:
        data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        items = json.loads(zlib.decompress(data) if compressed else data)
    except (ValueError, zlib.error):
        return [(ERROR_LEVEL, f"unreadable messages cookie {value[:40]}")]
    return [(item[2], item[3]) for item in items if isinstance(item, list) and len(item) > 3]


def _csrf(body: str) -> str:
    match = CSRF_INPUT.search(body)
    if match is None:
        raise StepFailed("no CSRF token in the page")
    return match.group(1)


def purchase(
    browser: Browser, product: str, timings: dict, where: dict, size: int, think: float = 0
) -> str:
    """One whole purchase by a new visitor; returns the Checkout Session id. `where` says
    which step it is at (for the error count), `size` which size it buys, `think` how long
    the shopper reads each page on average."""
    browser.new_visitor()
    pauses = random.Random(size)

    def step(key, *args, **kwargs):
        where["step"] = key
        if think:
            time.sleep(think * pauses.uniform(0.5, 1.5))
        started = time.perf_counter()
        try:
            return browser.go(*args, **kwargs)
        finally:
            timings[key].append((time.perf_counter() - started) * 1000)

    step("home", "GET", "/", then="/")
    page = step("product", "GET", product, then=product)
    action = ADD_FORM.search(page)
    sizes = [VALUE.search(tag).group(1) for tag in CHILD_INPUT.findall(page)]
    if action is None or not sizes:
        raise StepFailed("no add-to-basket form with sizes on the product page")
    form = {"csrfmiddlewaretoken": _csrf(page), "child_id": sizes[size % len(sizes)]}
    step("add", "POST", action.group(1), {**form, "quantity": "1"}, then="/basket/")
    page = step("basket", "GET", "/basket/", then="/basket/")
    form = {"csrfmiddlewaretoken": _csrf(page), "code": "GETINFUSED"}
    page = step("code", "POST", "/basket/vouchers/add/", form, then="/basket/")
    if not any("GETINFUSED applied" in text for _, text in browser.messages):
        raise StepFailed(f"GETINFUSED not applied: {browser.messages}")
    page = step("checkout", "GET", "/checkout/", then="/checkout/")
    email = f"bench-{uuid.uuid4().hex[:16]}@example.com"
    form = {"csrfmiddlewaretoken": _csrf(page), "username": email, "options": "anonymous"}
    page = step("guest", "POST", "/checkout/", form, then="/checkout/shipping-address/")
    form = {"csrfmiddlewaretoken": _csrf(page), **ADDRESS}
    page = step("address", "POST", "/checkout/shipping-address/", form, then="/checkout/preview/")
    if "GETINFUSED" not in page:
        raise StepFailed("the preview does not show GETINFUSED")
    form = {"csrfmiddlewaretoken": _csrf(page), "action": "place_order"}
    location = step("place", "POST", "/checkout/preview/", form, then="", follow=False)
    session = SESSION_URL.search(urlsplit(location).path or "")
    if not location.startswith(browser.standin.geturl()) or session is None:
        raise StepFailed(f"Pay redirected to {location}, not the stand-in's page")
    session_id = session.group(1)
    control = f"{browser.standin.geturl()}/_standin/sessions/{session_id}/pay"
    where["step"] = "pay"
    started = time.perf_counter()
    try:
        status, _, body = browser.request("POST", control, {"card": PAYS})
    finally:
        timings["pay"].append((time.perf_counter() - started) * 1000)
    if status != 200:
        raise StepFailed(f"the stand-in refused the card: HTTP {status} {body[:200]}")
    step(
        "return",
        "GET",
        f"/checkout/stripe/return/?session_id={session_id}",
        then="/checkout/thank-you/",
    )
    return session_id


def _shopper(args, deadline: float, out: dict, index: int) -> None:
    browser = Browser(args.shop, args.standin)
    rounds = 0
    while time.time() < deadline:
        rounds += 1
        where: dict = {"step": None}
        try:
            session_id = purchase(
                browser, args.product, out["timings"], where, index + rounds, args.think
            )
        except (StepFailed, OSError, http.client.HTTPException) as exc:
            with out["lock"]:
                out["errors"].append(
                    {"step": where["step"], "error": f"{type(exc).__name__}: {exc}"}
                )
            continue
        with out["lock"]:
            out["sessions"].append(session_id)
            out["finished_at"] = max(out["finished_at"], time.time())


def _process(args, start: float) -> dict:
    """One load-generating process: args.threads shoppers."""
    while time.time() < start:
        time.sleep(min(0.05, max(start - time.time(), 0)))
    deadline = start + args.duration
    out = {
        "timings": {k: [] for k, *_ in STEPS},
        "sessions": [],
        "errors": [],
        "finished_at": start,
        "lock": threading.Lock(),
    }
    threads = [
        threading.Thread(target=_shopper, args=(args, deadline, out, i))
        for i in range(args.threads)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    del out["lock"]
    return out


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def load(args) -> dict:
    processes = max(1, min(args.processes, args.shoppers))
    per = [args.shoppers // processes + (i < args.shoppers % processes) for i in range(processes)]
    start = time.time() + 1.0  # every process starts its shoppers at once
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        jobs = [
            pool.apply_async(_process, (argparse.Namespace(**{**vars(args), "threads": n}), start))
            for n in per
        ]
        parts = [job.get(timeout=args.duration + 600) for job in jobs]
    finished = max(p["finished_at"] for p in parts)
    elapsed = max(finished - start, 1e-9)
    steps = {}
    for key, label, server in STEPS:
        values = [v for p in parts for v in p["timings"][key]]
        steps[key] = {
            "label": label,
            "server": server,
            "count": len(values),
            "p50": _percentile(values, 0.50),
            "p99": _percentile(values, 0.99),
        }
    errors = [e for p in parts for e in p["errors"]]
    sessions = [s for p in parts for s in p["sessions"]]
    cpu = sum(p["cpu_seconds"] for p in parts)
    return {
        "shoppers": args.shoppers,
        "duration": args.duration,
        "elapsed": elapsed,
        "purchases": len(sessions),
        "rate": len(sessions) / elapsed,
        "sessions": sessions,
        "steps": steps,
        "errors": len(errors),
        "errors_by_step": {k: sum(1 for e in errors if e["step"] == k) for k, *_ in STEPS},
        "error_samples": errors[:SAMPLE_ERRORS],
        "generator": {
            "processes": processes,
            "cpu_seconds": cpu,
            "share_of_a_core": cpu / elapsed,
            "ms_per_purchase": 1000 * cpu / max(len(sessions), 1),
        },
    }


# --- after the run: the database against the stand-in ----------------------------------------


def check(args) -> list[dict]:
    """The invariants a checkout under load must keep, read from the shop's database."""
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count, F, Q, Sum
    from oscar.core.loading import get_model

    from shop.payment.models import CheckoutAttempt
    from shop.payment.standin.control import StandinControl

    Order = get_model("order", "Order")
    Line = get_model("order", "Line")
    OrderDiscount = get_model("order", "OrderDiscount")
    StockRecord = get_model("partner", "StockRecord")
    Voucher = get_model("voucher", "Voucher")
    VoucherApplication = get_model("voucher", "VoucherApplication")
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    from shop.followups.models import PlannedEmail

    Source = get_model("payment", "Source")
    PaymentEvent = get_model("order", "PaymentEvent")

    pending, paid = settings.SHOP_ORDER_STATUS_PENDING, settings.SHOP_ORDER_STATUS_PAID
    review, cancelled = settings.SHOP_ORDER_STATUS_REVIEW, settings.SHOP_ORDER_STATUS_CANCELLED
    results = []

    def record(name: str, ok: bool, detail: str) -> None:
        results.append({"check": name, "ok": bool(ok), "detail": detail})

    completed = [
        e.event["data"]["object"]["id"]
        for e in StandinControl(args.standin, timeout=60).events(type="checkout.session.completed")
    ]
    run_orders = Order.objects.filter(pk__gt=args.after_order)
    paid_orders = run_orders.filter(status=paid)
    attempts = CheckoutAttempt.objects.filter(order__pk__gt=args.after_order)
    paid_attempts = set(attempts.filter(paid_at__isnull=False).values_list("session_id", flat=True))
    twice = (
        paid_orders.annotate(
            n=Count("sources", distinct=True),
            e=Count("payment_events", filter=Q(payment_events__event_type__name="Paid")),
        )
        .exclude(n=1, e=1)
        .count()
    )
    by_attempts = (
        attempts.filter(paid_at__isnull=False)
        .values("order")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    record(
        "paid sessions at the stand-in == paid orders, each paid exactly once",
        len(completed) == len(set(completed)) == paid_orders.count()
        and set(completed) == paid_attempts
        and twice == 0
        and by_attempts == 0,
        f"{len(set(completed))} sessions paid at the stand-in, {paid_orders.count()} orders "
        f"Paid, {len(paid_attempts)} sessions recorded paid; orders without exactly one payment "
        f"(source and Paid event): {twice}; orders with two paid sessions: {by_attempts}; "
        f"other statuses this run: "
        f"{dict(run_orders.exclude(status=paid).values_list('status').annotate(Count('pk')))}",
    )
    returned = set(args.sessions or ())
    not_paid = attempts.filter(session_id__in=returned).exclude(order__status=paid).count()
    record(
        "every purchase that reached the thank-you page has its order Paid",
        not_paid == 0,
        f"{len(returned)} purchases completed, {not_paid} of their orders not Paid",
    )
    negative = StockRecord.objects.filter(
        Q(num_in_stock__lt=0) | Q(num_allocated__lt=0) | Q(num_allocated__gt=F("num_in_stock"))
    )
    record(
        "stock never negative (num_in_stock, num_allocated, net stock level)",
        not negative.exists(),
        f"{negative.count()} stock records below zero",
    )
    held = (
        Line.objects.filter(order__status__in=[pending, paid, review])
        .values("stockrecord")
        .annotate(allocated=Sum("num_allocated"))
    )
    held = {row["stockrecord"]: row["allocated"] or 0 for row in held}
    wrong = [
        f"{r.partner_sku}: {r.num_allocated} allocated, orders hold {held.get(r.pk, 0)}"
        for r in StockRecord.objects.filter(product__parent__slug="infused-releaf")
        if (r.num_allocated or 0) != held.get(r.pk, 0)
    ]
    record(
        "num_allocated == allocated quantities of pending/paid orders' lines",
        not wrong,
        "; ".join(wrong)
        or ", ".join(
            f"{r.partner_sku}: {r.num_allocated}"
            for r in StockRecord.objects.filter(product__parent__slug="infused-releaf")
        ),
    )
    live = OrderDiscount.objects.exclude(order__status=cancelled)
    mismatches = []
    for voucher in Voucher.objects.all():
        uses = live.filter(voucher_id=voucher.pk)
        expected = (
            VoucherApplication.objects.filter(voucher=voucher).count(),
            uses.aggregate(s=Sum("amount"))["s"] or 0,
        )
        if (voucher.num_orders, voucher.total_discount) != expected or expected[0] != uses.count():
            mismatches.append(
                f"voucher {voucher.code}: num_orders {voucher.num_orders}, total_discount "
                f"{voucher.total_discount}; orders: {uses.count()} uses, "
                f"{expected[0]} applications, {expected[1]}"
            )
    for offer in ConditionalOffer.objects.all():
        uses = live.filter(offer_id=offer.pk)
        sums = uses.aggregate(f=Sum("frequency"), a=Sum("amount"))
        expected = (uses.count(), sums["a"] or 0, sums["f"] or 0)
        actual = (offer.num_orders, offer.total_discount, offer.num_applications)
        if actual != expected:
            mismatches.append(f"offer {offer.name}: {actual} vs orders {expected}")
    code = Voucher.objects.filter(code="GETINFUSED").first()
    record(
        "voucher/offer counters == aggregates over non-cancelled orders",
        not mismatches,
        "; ".join(mismatches)
        or (
            f"GETINFUSED: num_orders {code.num_orders}, total_discount {code.total_discount}"
            if code
            else "no GETINFUSED"
        ),
    )
    orphans = Order.objects.filter(status=pending, attempts__isnull=True).count()
    record(
        'no order left "Pending payment" without a Checkout Session',
        orphans == 0,
        f"{orphans} pending orders without a session; "
        f"{run_orders.filter(status=pending).count()} pending with one (this run)",
    )
    # The confirmation is a planned email written in the payment's own transaction (the
    # follow-ups dispatcher sends it): exactly one row per paid order, none for the others.
    confirmations = PlannedEmail.objects.filter(kind=PlannedEmail.Kind.ORDER_CONFIRMATION)
    missing = paid_orders.exclude(pk__in=confirmations.values("order_id")).count()
    doubled = (
        confirmations.filter(order__in=paid_orders)
        .values("order_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count()
    )
    unpaid = confirmations.exclude(order__in=paid_orders).filter(order__in=run_orders).count()
    record(
        "one order confirmation planned per paid order, none for an unpaid one",
        missing == 0 and doubled == 0 and unpaid == 0,
        f"{paid_orders.count() - missing} planned, {missing} missing, {doubled} twice, "
        f"{unpaid} for unpaid orders",
    )
    sources = Source.objects.filter(order__in=paid_orders).count()
    events = PaymentEvent.objects.filter(order__in=paid_orders).count()
    record(
        "payments recorded once: one Source and one payment event per paid order",
        sources == events == paid_orders.count(),
        f"{sources} sources, {events} payment events, {paid_orders.count()} paid orders",
    )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("load")
    run.add_argument("--shop", required=True)
    run.add_argument("--standin", required=True)
    run.add_argument("--product", required=True, help="the cream's page, a path")
    run.add_argument("--shoppers", type=int, default=32)
    run.add_argument("--duration", type=float, default=60)
    run.add_argument("--processes", type=int, default=4)
    run.add_argument("--think", type=float, default=1.0, help="seconds a shopper reads a page")
    verify = commands.add_parser("check")
    verify.add_argument("--standin", required=True)
    verify.add_argument("--after-order", type=int, default=0, help="orders before the run")
    verify.add_argument("--sessions", help="a JSON file: the sessions the run completed")
    args = parser.parse_args()
    if args.command == "load":
        json.dump(load(args), sys.stdout)
    else:
        if args.sessions:
            with open(args.sessions) as sessions:
                args.sessions = json.load(sessions)
        json.dump(check(args), sys.stdout)


if __name__ == "__main__":
    main()
