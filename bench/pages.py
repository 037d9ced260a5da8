"""Prepares each benched page with the Django test client and counts its SQL queries.

Run by bench/run.py once per configuration and catalogue size:
    DJANGO_SETTINGS_MODULE=bench.settings.ours python -m bench.pages --out plan.json
Writes, per page, the request wrk replays (method, path, cookies, body) and the number of SQL
queries it costs: rendered (page cache emptied first) and repeated (cached where the page is).
A page this branch does not have becomes {"na": "<why>"} instead of failing the run.
"""

import argparse
import json
import os
import re
import sys
import uuid
from urllib.parse import urlencode, urlsplit

import django

PAGES = [
    # key, label, is its target a share of the bare Django view (≥ 50 %)
    ("home", "home", False),
    ("selfcheck_get", "self-check step, GET", True),
    ("selfcheck_post", "self-check step, POST to the next", True),
    ("result", "result page", True),
    ("technique", "technique page", True),
    ("catalogue", "catalogue", False),
    ("product", "product page", False),
    ("basket", "basket, one line", False),
    ("basket_code", "basket with GETINFUSED", False),
    ("checkout", "checkout, first page", False),
    ("code_link", "/code/GETINFUSED/ link", True),
    # A signed-in customer: rendered for them (a session: no page cache), ours and stock alike.
    ("product_signed_in", "product page, signed in", False),
    ("basket_signed_in", "basket, one line, signed in", False),
    ("basket_code_signed_in", "basket with GETINFUSED, signed in", False),
    ("checkout_signed_in", "checkout, first page, signed in", False),
]
SIGNED_IN = {key for key, *_ in PAGES if key.endswith("_signed_in")}
TECHNIQUE_SLUG = "twists"
WRITES = ("INSERT", "UPDATE", "DELETE")
RESULT_PATH = re.compile(r"^/guidance/results/[^/]+/$")
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class NotAvailable(Exception):
    """The page does not exist on this branch (or cannot be reached the generic way)."""


def _client():
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1")


def _cookie_header(client) -> str:
    # Expired cookies (a consumed "messages") stay in the jar with an empty value.
    return "; ".join(f"{n}={m.value}" for n, m in client.cookies.items() if m.value)


def _get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    if response.status_code == 404:
        raise NotAvailable(f"GET {path}: 404, not on this branch")
    if response.status_code >= 400:
        raise NotAvailable(f"GET {path}: HTTP {response.status_code}")
    return response


def _follow(client, path, *, limit=5):
    """GET path and follow redirects; return (final path, response)."""
    for _ in range(limit):
        response = _get(client, path)
        if response.status_code in (301, 302, 303, 307, 308):
            path = urlsplit(response["Location"]).path
            continue
        return path, response
    raise NotAvailable(f"{path}: too many redirects")


def _cream():
    from oscar.core.loading import get_model

    Product = get_model("catalogue", "Product")
    return Product.objects.get(slug="infused-releaf")


def _basket_client(*, code: bool, signed_in: bool = False):
    """A client whose basket holds the 4 oz cream (and GETINFUSED when asked)."""
    from django.contrib.auth import get_user_model
    from oscar.core.loading import get_model

    client = _client()
    if signed_in:
        user = get_user_model().objects.create_user(
            username=f"bench-{uuid.uuid4().hex[:12]}", email=f"{uuid.uuid4().hex[:12]}@example.com"
        )
        client.force_login(user)
    cream = _cream()
    _get(client, cream.get_absolute_url())
    four_oz = cream.children.get(upc="RELEAF-4OZ")
    response = client.post(f"/basket/add/{cream.pk}/", {"child_id": four_oz.pk, "quantity": 1})
    if response.status_code != 302:
        raise NotAvailable(f"adding to the basket answered {response.status_code}")
    if code:
        response = client.post("/basket/vouchers/add/", {"code": "GETINFUSED"})
        if response.status_code != 302:
            raise NotAvailable(f"adding GETINFUSED answered {response.status_code}")
        basket = get_model("basket", "Basket").objects.latest("date_created")
        if [v.code for v in basket.vouchers.all()] != ["GETINFUSED"]:
            if signed_in:
                raise NotAvailable("GETINFUSED did not stay on the basket")
            # Stock Oscar takes a once-per-customer code from signed-in users only.
            return _basket_client(code=True, signed_in=True)
    _get(client, "/basket/")  # shows (and so clears) the "added to your basket" messages
    return client


def _get_spec(path, client=None):
    return {"method": "GET", "path": path, "cookie": _cookie_header(client) if client else ""}


def _step_post(client, path, html):
    """Fill and POST the step's form; return (spec, response) of the answer that moved on."""
    from bench.forms import form_fill, post_form

    form = post_form(html)
    if form is None:
        raise NotAvailable(f"{path}: no form that POSTs")
    action = form["action"] or path
    for check_all in (False, True):
        data = form_fill(form, check_all_groups=check_all)
        response = client.post(
            action, urlencode(data), content_type="application/x-www-form-urlencoded"
        )
        if response.status_code in (302, 303):
            return {"method": "POST", "path": action, "body": urlencode(data)}, response
    raise NotAvailable(f"POST {action}: answered {response.status_code}, not a redirect")


def _second_step(client):
    """Answer the first step with this client; return (path, page) of the second."""
    path, page = _follow(client, "/guidance/self-check/")
    _, response = _step_post(client, path, page.content.decode())
    return _follow(client, urlsplit(response["Location"]).path)


def _selfcheck(specs):
    """The self-check's benched requests, each from a visitor of its own."""
    # GET: a visitor shown the second step after answering the first (the usual request).
    viewer = _client()
    path, _ = _second_step(viewer)
    specs["selfcheck_get"] = _get_spec(path, viewer)
    # POST: a visitor answering the second step for the first time. wrk replays the request with
    # the cookies they had before answering (the answers so far travel in a cookie), so every
    # request is a first answer: validated, counted in the funnel, signed into a new cookie.
    answerer = _client()
    path, page = _second_step(answerer)
    cookie = _cookie_header(answerer)
    spec, answered = _step_post(answerer, path, page.content.decode())
    # The step each replay counts: bench/run.py checks that one event per answer is written.
    counted = urlsplit(answered["Location"]).path.rstrip("/").rsplit("/", 1)[-1]
    specs["selfcheck_post"] = {**spec, "cookie": cookie, "counts_step": counted}
    # The result: a third visitor walks on to one.
    walker = _client()
    path, page = _follow(walker, "/guidance/self-check/")
    for _ in range(10):
        _, response = _step_post(walker, path, page.content.decode())
        path, page = _follow(walker, urlsplit(response["Location"]).path)
        if RESULT_PATH.match(path):
            # A result is found by its token alone: a visitor opening the link from an email.
            specs["result"] = _get_spec(path)
            return
    raise NotAvailable("the self-check did not reach a result in 10 steps")


def _specs() -> dict:
    specs: dict = {}

    def attempt(keys, prepare):
        try:
            prepare()
        except NotAvailable as exc:
            for key in keys:
                specs.setdefault(key, {"na": str(exc)})

    attempt(["home"], lambda: specs.update(home=_get_spec(_follow(_client(), "/")[0] and "/")))
    attempt(
        ["selfcheck_get", "selfcheck_post", "result"],
        lambda: _selfcheck(specs),
    )
    technique = f"/guidance/techniques/{TECHNIQUE_SLUG}/"
    attempt(
        ["technique"],
        lambda: (_get(_client(), technique), specs.update(technique=_get_spec(technique))),
    )
    attempt(
        ["catalogue"],
        lambda: (_get(_client(), "/catalogue/"), specs.update(catalogue=_get_spec("/catalogue/"))),
    )
    attempt(["product"], lambda: specs.update(product=_get_spec(_cream().get_absolute_url())))
    attempt(
        ["basket"], lambda: specs.update(basket=_get_spec("/basket/", _basket_client(code=False)))
    )

    def basket_code():
        client = _basket_client(code=True)
        specs["basket_code"] = _get_spec("/basket/", client)
        if "sessionid" in client.cookies:
            specs["basket_code"]["note"] = "signed in: anonymous visitors cannot use the code"

    attempt(["basket_code"], basket_code)

    def checkout():
        # A guest on the checkout's first page, before giving an email: wrk replays the request
        # with their cookies (stock Oscar: their first visit started a checkout session).
        client = _basket_client(code=False)
        _get(client, "/checkout/")
        specs["checkout"] = _get_spec("/checkout/", client)

    attempt(["checkout"], checkout)

    def signed_in():
        # A customer signed in (their session cookie, and the CSRF cookie their pages set) with
        # the 4 oz in the basket; another with GETINFUSED too. A signed-in customer's checkout
        # starts at the shipping address (the first page skips the sign-in question).
        customer = _basket_client(code=False, signed_in=True)
        specs["product_signed_in"] = _get_spec(_cream().get_absolute_url(), customer)
        specs["basket_signed_in"] = _get_spec("/basket/", customer)
        path, _ = _follow(customer, "/checkout/")
        specs["checkout_signed_in"] = _get_spec(path, customer)
        specs["basket_code_signed_in"] = _get_spec(
            "/basket/", _basket_client(code=True, signed_in=True)
        )
        for key in SIGNED_IN:
            specs[key]["note"] = "signed in"
            if key == "checkout_signed_in":
                specs[key]["note"] += f": {path}"

    attempt(sorted(SIGNED_IN), signed_in)
    attempt(
        ["code_link"],
        lambda: (
            _get(_client(), "/code/GETINFUSED/"),
            specs.update(code_link=_get_spec("/code/GETINFUSED/")),
        ),
    )
    return specs


def _replay(spec):
    """Send the spec's request from a fresh client; return the response."""
    client = _client()
    for pair in filter(None, spec["cookie"].split("; ")):
        name, _, value = pair.partition("=")
        client.cookies[name] = value
    if spec["method"] == "POST":
        return client.post(
            spec["path"], spec["body"], content_type="application/x-www-form-urlencoded"
        )
    return client.get(spec["path"])


def _count(spec) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    def counted(run: str) -> None:
        with CaptureQueriesContext(connection) as queries:
            response = _replay(spec)
        counts[run] = len(queries)
        counts[f"{run}_writes"] = sum(
            1 for q in queries if q["sql"].lstrip().split(" ", 1)[0].upper() in WRITES
        )
        counts["status"] = response.status_code
        if os.environ.get("BENCH_SHOW_QUERIES") == spec["path"]:
            print(
                f"--- {run} {spec['path']}", *(q["sql"] for q in queries), sep="\n", file=sys.stderr
            )

    counts: dict = {}
    _replay(spec)  # fills the caches that are not the page cache (category tree, thumbnails)
    with override_settings(SHOP_PAGE_CACHE_SECONDS=0):
        counted("render")  # the view itself, with the page cache off
    _replay(spec)
    counted("repeat")  # the same again: from the page cache where the page is cacheable
    return counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    django.setup()
    specs = _specs()
    for key, label, guidance in PAGES:
        spec = specs.setdefault(key, {"na": "not prepared"})
        spec.update(label=label, guidance=guidance)
        if "na" not in spec:
            spec["queries"] = _count(spec)
    with open(args.out, "w") as out:
        json.dump(specs, out, indent=1)
    for key, *_ in PAGES:
        print(key, json.dumps(specs[key].get("queries") or specs[key]["na"]), file=sys.stderr)


if __name__ == "__main__":
    main()
