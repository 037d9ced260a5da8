"""The hosted checkout's HTML: the payment form, the 3-D Secure page and the error pages
(plain HTML, no JavaScript)."""

from __future__ import annotations

import html
import re
import time
from typing import Any

from .state import AUTHENTICATION_FAILED, TEST_CARDS

PAGE_MESSAGES = {"authentication_failed": AUTHENTICATION_FAILED}

_STYLE = """
body{font-family:system-ui,sans-serif;background:#f6f9fc;color:#1a1f36;margin:0}
main{max-width:28rem;margin:2rem auto;background:#fff;padding:1.5rem 2rem;border-radius:8px;
box-shadow:0 2px 8px rgba(0,0,0,.08)}
label{display:block;margin-top:1rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #8792a2;
border-radius:4px}
button{margin-top:1.25rem;width:100%;padding:.75rem;font-size:1rem;background:#0a5c36;color:#fff;
border:0;border-radius:4px;cursor:pointer}
button.secondary{background:#fff;color:#8a1c1c;border:1px solid #8a1c1c}
.notice{background:#fff8e1;padding:.5rem;border-radius:4px;font-size:.9rem}
.error{color:#8a1c1c;background:#fdecea;padding:.6rem;border-radius:4px;font-weight:600}
"""


def _money(minor: int, currency: str) -> str:
    amount = f"{minor / 100:,.2f}"
    return f"${amount}" if currency == "usd" else f"{amount} {currency.upper()}"


def page(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body><main>"
        '<p class="notice">Stripe stand-in (test mode): no real card is charged.</p>'
        f"{body}</main></body></html>"
    )


NOT_FOUND = page(
    "Not found",
    "<h1>Something went wrong</h1><p>The page you were looking for could not be found.</p>",
)
EXPIRED = page(
    "Session expired",
    "<h1>This checkout session has expired</h1><p>Return to the shop to try again.</p>",
)


def payment_page(
    session: dict[str, Any], names: list[str], *, error: str = "", card: str = "", email: str = ""
) -> str:
    e = html.escape
    total = _money(session["amount_total"], session["currency"])
    error_html = f'<p class="error" role="alert" id="card-error">{e(error)}</p>' if error else ""
    described = ' aria-describedby="card-error" aria-invalid="true"' if error else ""
    cancel = (
        f'<p><a href="{e(session["cancel_url"])}">Cancel and return to the shop</a></p>'
        if session.get("cancel_url")
        else ""
    )
    cards = "".join(f"<li><code>{n}</code> {e(what)}</li>" for n, what in TEST_CARDS.items())
    return page(
        f"Pay {total}",
        f"{cancel}<h1>Pay {e(total)}</h1><p>{e(', '.join(names))}</p>{error_html}"
        f'<form method="post" action="/pay/{e(session["id"])}">'
        '<label for="email">Email</label>'
        f'<input id="email" name="email" type="email" autocomplete="email" value="{e(email or session.get("customer_email") or "")}">'
        '<label for="cardnumber">Card number</label>'
        f'<input id="cardnumber" name="cardnumber" inputmode="numeric" autocomplete="cc-number" required value="{e(card)}"{described}>'
        '<label for="exp">Expiry date (MM / YY)</label>'
        '<input id="exp" name="exp" autocomplete="cc-exp" placeholder="MM / YY" required>'
        '<label for="cvc">Security code (CVC)</label>'
        '<input id="cvc" name="cvc" inputmode="numeric" autocomplete="cc-csc" required>'
        f'<button type="submit">Pay {e(total)}</button></form>'
        f"<h2>Test cards</h2><ul>{cards}</ul><p>Any future expiry date and any 3-digit CVC.</p>",
    )


def authentication_page(session: dict[str, Any], token: str) -> str:
    e = html.escape
    action = f"/pay/{e(session['id'])}/authenticate/{e(token)}"
    total = _money(session["amount_total"], session["currency"])
    return page(
        "3D Secure test page",
        f"<h1>3D Secure 2 test page</h1><p>Authenticate the payment of {e(total)}.</p>"
        f'<form method="post" action="{action}"><button type="submit" name="result" value="approve">Approve</button></form>'
        f'<form method="post" action="{action}"><button class="secondary" type="submit" name="result" value="fail">Fail</button></form>',
    )


def card_form_error(exp: str, cvc: str) -> str:
    """Stripe's message for an incomplete or past expiry date or CVC, or ""."""
    match = re.fullmatch(r"\s*(\d{1,2})\s*/?\s*(\d{2}|\d{4})\s*", exp or "")
    if not match or not 1 <= int(match.group(1)) <= 12:
        return "Your card's expiration date is incomplete."
    year = int(match.group(2)) % 100 + 2000
    now = time.gmtime()
    if (year, int(match.group(1))) < (now.tm_year, now.tm_mon):
        return "Your card's expiration date is in the past."
    if not re.fullmatch(r"\d{3,4}", (cvc or "").strip()):
        return "Your card's security code is incomplete."
    return ""
