"""Renders follow-up emails: one context, two layouts (emails/followup.html and .txt), CSS inlined.

Used by the send step and by the staff preview, so what staff see is what is sent.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import quote

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse

from guidance.models import Result

from .models import TRANSACTIONAL_ORDER_KINDS, Contact, PlannedEmail, Shipment
from .selectors import (
    cream_product,
    email_content_get,
    order_facts,
    order_for_preview,
    result_for_order,
    routine_for,
    technique_in_depth,
)
from .tokens import consent_token, unsubscribe_token

Kind = PlannedEmail.Kind
ROUTINE_KINDS = (Kind.ROUTINE, Kind.ORDER_HOWTO, Kind.ORDER_CONFIRMATION)
VOUCHER_CODE = "GETINFUSED"

_inliner = css_inline.CSSInliner(keep_style_tags=False)


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    headers: dict = field(default_factory=dict)


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _url(name: str, fallback: str, **kwargs) -> str:
    try:
        return _absolute(reverse(name, kwargs=kwargs or None))
    except NoReverseMatch:
        return _absolute(fallback)


def unsubscribe_headers(*, token: str, url: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058: an https URL that takes a one-click POST, and a mailto."""
    mailto = settings.FOLLOWUPS_UNSUBSCRIBE_MAILTO or settings.DEFAULT_FROM_EMAIL
    mailto = mailto.rsplit("<", 1)[-1].rstrip(">").strip()
    return {
        "List-Unsubscribe": f"<{url}>, <mailto:{mailto}?subject={quote('unsubscribe ' + token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


class _Lookups:
    """What every email of a batch shares (staff-edited words, the product, the fixed URLs),
    read once per batch instead of once per rendering; a new batch sees staff edits."""

    def __init__(self):
        self._content: dict[str, object] = {}
        self._product: str | None = None
        self._red_flags_url: str | None = None

    def content(self, kind: str):
        if kind not in self._content:
            self._content[kind] = email_content_get(kind=kind)
        return self._content[kind]

    def product_url(self) -> str:
        if self._product is None:
            product = cream_product()
            self._product = (
                _absolute(product.get_absolute_url()) if product else _absolute("/catalogue/")
            )
        return self._product

    def red_flags_url(self) -> str:
        if self._red_flags_url is None:
            self._red_flags_url = _url("guidance:red-flags", "/guidance/self-check/")
        return self._red_flags_url


def _footer_address() -> str:
    """The shop's name and postal address, the name once (the address may start with it)."""
    name, address = settings.OSCAR_SHOP_NAME, settings.SHOP_POSTAL_ADDRESS
    return address if address.startswith(name) else f"{name}, {address}"


def email_context(
    *,
    kind: str,
    result: Result | None,
    unsubscribe_url: str,
    consent_url: str = "",
    lookups: _Lookups | None = None,
    order=None,
    facts: dict | None = None,
) -> dict:
    lookups = lookups or _Lookups()
    content = lookups.content(kind)
    order_summary = order_facts(order=order) if order is not None else None
    routine = routine_for(result=result)
    self_check_url = _absolute("/guidance/self-check/")
    result_url = _absolute(f"/guidance/results/{result.token}/") if result else ""
    techniques_url = _absolute("/guidance/techniques/")
    product_url = lookups.product_url()
    cta_url = {
        Kind.ROUTINE: result_url or techniques_url,
        Kind.TIPS_CHECKIN: techniques_url,
        Kind.TIPS_RETEST: self_check_url,
        Kind.TIPS_REMINDER: _absolute(f"/code/{VOUCHER_CODE}/?from=email"),  # funnel source
        Kind.ORDER_HOWTO: techniques_url,
        Kind.ORDER_CHECKIN: self_check_url,
        Kind.ORDER_CONFIRMATION: result_url or techniques_url,
        Kind.ORDER_REFUND: order_summary.status_url if order_summary else "",
        Kind.ORDER_SHIPPED: "",
    }[Kind(kind)]
    shipment = order_summary.shipment if order_summary else None
    if kind == Kind.ORDER_SHIPPED and shipment is None:  # staff's preview before any shipment
        shipment = Shipment(carrier=Shipment.Carrier.USPS, tracking_number="9400100000000000000000")
    if kind == Kind.ORDER_SHIPPED and shipment is not None:
        cta_url = shipment.tracking_url
    preheader = content.paragraphs()[0] if content.paragraphs() else content.heading
    if kind == Kind.ORDER_CONFIRMATION and order_summary:
        preheader = f"Order {order_summary.number}: {order_summary.total} {order_summary.currency}"
    if kind == Kind.ORDER_REFUND and facts:
        preheader = f"{facts['amount']} {facts['currency']} is on its way back to your card."
    technique = technique_in_depth(routine=routine) if kind == Kind.TIPS_CHECKIN else None
    return {
        "kind": kind,
        "content": content,
        "subject": content.subject,
        "preheader": preheader[:140],
        "order": order_summary if kind != Kind.ORDER_REFUND else None,
        "refund": facts if kind == Kind.ORDER_REFUND else None,
        "shipment": shipment if kind == Kind.ORDER_SHIPPED else None,
        "transactional": kind in TRANSACTIONAL_ORDER_KINDS,
        "cta_url": cta_url,
        "routine": routine if kind in ROUTINE_KINDS else None,
        "technique": technique,
        "technique_url": _absolute(f"/guidance/techniques/{technique.slug}/") if technique else "",
        "techniques_url": techniques_url,
        "result_url": result_url,
        "retest": kind == Kind.TIPS_RETEST,
        "self_check_url": self_check_url,
        "product_url": product_url,
        "voucher_code": VOUCHER_CODE if kind == Kind.TIPS_REMINDER else "",
        "own_routine": result is not None,
        "consent_url": consent_url,
        "site_url": settings.SITE_URL,
        "shop_name": settings.OSCAR_SHOP_NAME,
        "postal_address": settings.SHOP_POSTAL_ADDRESS,
        "footer_address": _footer_address(),
        "red_flags_url": lookups.red_flags_url(),
        "unsubscribe_url": unsubscribe_url,
    }


# Stand-ins for the two per-person links, so one rendering serves everyone who gets the same
# email with the same routine (a batch of reminders renders once). Signed tokens are URL-safe
# (letters, digits, "-", "_", ":"), so substituting them needs no escaping.
_UNSUBSCRIBE_STANDIN = "https://unsubscribe.standin.invalid/"
_CONSENT_STANDIN = "https://consent.standin.invalid/"


class EmailRenderer:
    """Renders emails; keep one per batch to reuse identical renderings."""

    def __init__(self):
        self._rendered: dict[tuple, RenderedEmail] = {}
        self._lookups = _Lookups()

    def render(
        self,
        *,
        kind: str,
        contact: Contact,
        result: Result | None = None,
        order=None,
        facts: dict | None = None,
    ):
        routine_from_order = (Kind.ORDER_HOWTO, Kind.ORDER_CHECKIN, Kind.ORDER_CONFIRMATION)
        if kind in routine_from_order and result is None and order:
            result = result_for_order(order=order)
        wants_consent_link = bool(
            kind == Kind.ROUTINE
            and contact.consent_requested_at
            and not contact.consent_confirmed_at
        )
        # The reminder and the order check-in say nothing about the result: one rendering each.
        uses_result = kind not in (Kind.TIPS_REMINDER, Kind.ORDER_CHECKIN)
        # The order emails are one order's: never shared.
        per_order = order.pk if order is not None and kind in TRANSACTIONAL_ORDER_KINDS else None
        key = (
            kind,
            result.pk if result and uses_result else None,
            wants_consent_link,
            per_order,
            tuple(sorted((facts or {}).items())),
        )
        if key not in self._rendered:
            context = email_context(
                kind=kind,
                result=result,
                unsubscribe_url=_UNSUBSCRIBE_STANDIN,
                consent_url=_CONSENT_STANDIN if wants_consent_link else "",
                lookups=self._lookups,
                order=order if kind in TRANSACTIONAL_ORDER_KINDS else None,
                facts=facts,
            )
            self._rendered[key] = RenderedEmail(
                subject=context["subject"],
                text=render_to_string("emails/followup.txt", context),
                html=_inliner.inline(render_to_string("emails/followup.html", context)),
            )
        shared = self._rendered[key]
        token = unsubscribe_token(contact)
        unsubscribe_url = _absolute(reverse("followups:unsubscribe", kwargs={"token": token}))
        links = {_UNSUBSCRIBE_STANDIN: unsubscribe_url}
        if wants_consent_link:
            links[_CONSENT_STANDIN] = _absolute(
                reverse("followups:consent-confirm", kwargs={"token": consent_token(contact)})
            )
        text, html = shared.text, shared.html
        for standin, link in links.items():
            text, html = text.replace(standin, link), html.replace(standin, link)
        return RenderedEmail(
            subject=shared.subject,
            text=text,
            html=html,
            headers=unsubscribe_headers(token=token, url=unsubscribe_url),
        )


def email_render(
    *, kind: str, contact: Contact, result: Result | None = None, order=None, facts=None
):
    return EmailRenderer().render(
        kind=kind, contact=contact, result=result, order=order, facts=facts
    )


def message_build(
    *, rendered: RenderedEmail, to: str, message_id: str = "", connection=None
) -> EmailMultiAlternatives:
    headers = dict(rendered.headers)
    if message_id:
        headers["Message-ID"] = message_id
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def followup_message_build(*, planned_email: PlannedEmail, renderer: EmailRenderer | None = None):
    rendered = (renderer or EmailRenderer()).render(
        kind=planned_email.kind,
        contact=planned_email.contact,
        result=planned_email.result,
        order=planned_email.order,
        facts=planned_email.facts,
    )
    return message_build(
        rendered=rendered, to=planned_email.contact.email, message_id=planned_email.message_id
    )


def email_preview_render(*, kind: str, contact: Contact, result: Result | None = None):
    """For staff (preview, test send): the order emails with the latest order and a sample
    refund (a shipped email without a shipment shows a sample carrier and number)."""
    order = order_for_preview() if kind in TRANSACTIONAL_ORDER_KINDS else None
    facts = None
    if kind == Kind.ORDER_REFUND and order is not None:
        amount = min(order.total_incl_tax, Decimal("10.00"))
        facts = {
            "amount": str(amount),
            "refunded_total": str(amount),
            "left_paid": str(order.total_incl_tax - amount),
            "currency": order.currency,
        }
    return EmailRenderer().render(
        kind=kind, contact=contact, result=result, order=order, facts=facts
    )
