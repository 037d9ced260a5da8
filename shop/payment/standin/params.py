"""Request parameters checked like Stripe checks them: decoding Stripe's form encoding, then
one schema per endpoint (names and types, at every depth), with Stripe's messages and codes.

A schema maps each parameter Stripe documents (stripe 16's `*Params` types, API
2026-10-28.endive) to a check `(value, param) -> cleaned value`. A name not in the schema is
refused with `parameter_unknown`, nested ones too (`line_items[0][price_data][curency]`).
Parameters the shop never sends are known but taken as they come (`anything`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from .errors import StripeError

Check = Callable[[Any, str], Any]
Schema = dict[str, Check]

METADATA_MAX_KEYS, METADATA_KEY_MAX_LENGTH, METADATA_VALUE_MAX_LENGTH = 50, 40, 500
IDEMPOTENCY_KEY_MAX_LENGTH = 255
# What the stand-in's "dashboard" has switched on; a session offers these unless told otherwise.
PAYMENT_METHOD_TYPES = ("card", "us_bank_account")
# Every payment method type Stripe knows (stripe 16's allowed_payment_method_types literal).
KNOWN_PAYMENT_METHOD_TYPES = frozenset(
    """acss_debit affirm afterpay_clearpay alipay alma amazon_pay au_becs_debit bacs_debit
    bancontact billie blik boleto card cashapp crypto customer_balance eps fpx giropay grabpay
    ideal kakao_pay klarna konbini kr_card link mb_way mobilepay multibanco naver_pay nz_bank_account
    oxxo p24 pay_by_bank payco paynow paypal payto pix promptpay revolut_pay samsung_pay satispay
    sepa_debit sofort swish twint upi us_bank_account wechat_pay zip""".split()
)
# The ISO 4217 currencies Stripe accepts (https://docs.stripe.com/currencies), lower case.
CURRENCIES = frozenset(
    """usd aed afn all amd ang aoa ars aud awg azn bam bbd bdt bgn bhd bif bmd bnd bob brl bsd
    bwp byn bzd cad cdf chf clp cny cop crc cve czk djf dkk dop dzd egp etb eur fjd fkp gbp gel
    gip gmd gnf gtq gyd hkd hnl htg huf idr ils inr isk jmd jod jpy kes kgs khr kmf krw kwd kyd
    kzt lak lbp lkr lrd lsl mad mdl mga mkd mmk mnt mop mur mvr mwk mxn myr mzn nad ngn nio nok
    npr nzd omr pab pen pgk php pkr pln pyg qar ron rsd rub rwf sar sbd scr sek sgd shp sle sos
    srd std szl thb tjs tnd top try ttd twd tzs uah ugx uyu uzs vnd vuv wst xaf xcd xof xpf yer
    zar zmw""".split()
)


# --- Decoding -----------------------------------------------------------------------


def decode_form(body: str) -> dict[str, Any]:
    """Stripe's form encoding (`a[b][0][c]=1`) back into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        head = key.split("[", 1)[0]
        path = [head, *re.findall(r"\[([^\]]*)\]", key)]
        node = root
        for part in path[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        node[path[-1]] = value
    return _listify(root)


def _listify(node: Any, key: str = "") -> Any:
    if not isinstance(node, dict):
        return node
    if key == "metadata":  # free-form keys, even "0"
        return dict(node)
    items = {k: _listify(v, k) for k, v in node.items()}
    if items and all(k.isdigit() for k in items):
        return [items[k] for k in sorted(items, key=int)]
    return items


# --- Checking against a schema --------------------------------------------------------


def unknown(param: str, hint: str = "") -> StripeError:
    return StripeError(
        400, f"Received unknown parameter: {param}{hint}", code="parameter_unknown", param=param
    )


def checked(params: Any, schema: Schema, prefix: str = "", hints: dict[str, str] | None = None):
    """`params` with every value checked; refuses a name the schema does not know."""
    if not isinstance(params, dict):
        raise StripeError(400, "Invalid object", param=prefix or None)
    result = {}
    for name, value in params.items():
        param = f"{prefix}[{name}]" if prefix else name
        check = schema.get(name)
        if check is None:
            raise unknown(param, (hints or {}).get(name, ""))
        result[name] = check(value, param)
    return result


def anything(value: Any, param: str) -> Any:
    return value


def string(max_length: int = 5000) -> Check:
    def check(value: Any, param: str) -> str:
        if not isinstance(value, str):
            raise StripeError(400, f"Invalid string: {value!r}", param=param)
        if len(value) > max_length:
            raise StripeError(
                400,
                f"Invalid string: {value[:20]}...; must be at most {max_length} characters",
                param=param,
            )
        return value

    return check


def integer(minimum: int | None = None, maximum: int | None = None) -> Check:
    def check(value: Any, param: str) -> int:
        if isinstance(value, bool) or not re.fullmatch(r"-?\d+", str(value)):
            raise StripeError(
                400, f"Invalid integer: {value}", code="parameter_invalid_integer", param=param
            )
        number = int(str(value))
        if minimum is not None and number < minimum:
            raise StripeError(
                400, f"This value must be greater than or equal to {minimum}.", param=param
            )
        if maximum is not None and number > maximum:
            raise StripeError(
                400, f"This value must be less than or equal to {maximum}.", param=param
            )
        return number

    return check


def boolean(value: Any, param: str) -> bool:
    if isinstance(value, bool):
        return value
    if value not in ("true", "false"):
        raise StripeError(400, f"Invalid boolean: {value}", param=param)
    return value == "true"


def enum(*choices: str) -> Check:
    def check(value: Any, param: str) -> str:
        if value not in choices:
            raise StripeError(
                400,
                f"Invalid {param}: must be one of {', '.join(choices)}",
                param=param,
            )
        return value

    return check


def array(item: Check) -> Check:
    def check(value: Any, param: str) -> list[Any]:
        if value == "":  # Stripe: an empty string empties a list
            return []
        if not isinstance(value, list):
            raise StripeError(400, "Invalid array", param=param)
        return [item(element, f"{param}[{index}]") for index, element in enumerate(value)]

    return check


def obj(schema: Schema) -> Check:
    def check(value: Any, param: str) -> dict[str, Any]:
        return checked(value, schema, param)

    return check


def currency(value: Any, param: str) -> str:
    code = str(value).lower()
    if code not in CURRENCIES:
        raise StripeError(
            400,
            f"Invalid currency: {value}. Stripe currently supports these currencies: "
            + ", ".join(sorted(CURRENCIES)),
            param=param,
        )
    return code


def payment_method_type(value: Any, param: str) -> str:
    if value not in KNOWN_PAYMENT_METHOD_TYPES:
        raise StripeError(
            400,
            f"Invalid {param}: must be one of {', '.join(sorted(KNOWN_PAYMENT_METHOD_TYPES))}",
            param=param,
        )
    if value not in PAYMENT_METHOD_TYPES:
        raise StripeError(
            400,
            f"The payment method type provided: {value} is invalid. Please ensure the provided "
            "type is activated in your dashboard (https://dashboard.stripe.com/account/payments/"
            f"settings) and your account is enabled for any preview features that you are "
            f"trying to use. This account has: {', '.join(PAYMENT_METHOD_TYPES)}.",
            param=param,
        )
    return value


def metadata(value: Any, param: str) -> dict[str, str]:
    if value == "":  # Stripe: an empty string unsets metadata
        return {}
    if not isinstance(value, dict):
        raise StripeError(400, "Invalid object", param=param)
    data = {str(k): str(v) for k, v in value.items()}
    if len(data) > METADATA_MAX_KEYS:
        raise StripeError(
            400,
            f"Invalid {param}: metadata can have up to {METADATA_MAX_KEYS} keys, but you passed "
            f"in {len(data)} keys.",
            param=param,
        )
    for key, text in data.items():
        if len(key) > METADATA_KEY_MAX_LENGTH:
            raise StripeError(
                400,
                f"Metadata keys can have up to {METADATA_KEY_MAX_LENGTH} characters, but you "
                f"passed in a key that is {len(key)} characters.",
                param=f"{param}[{key}]",
            )
        if len(text) > METADATA_VALUE_MAX_LENGTH:
            raise StripeError(
                400,
                f"Metadata values can have up to {METADATA_VALUE_MAX_LENGTH} characters, but "
                f"you passed in a value that is {len(text)} characters.",
                param=f"{param}[{key}]",
            )
    return data


def idempotency_key(key: str | None) -> str | None:
    if key is not None and not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX_LENGTH:
        raise StripeError(
            400,
            f"Idempotent key length is {len(key)}, which is outside accepted lengths. "
            f"Idempotent Keys must be 1-{IDEMPOTENCY_KEY_MAX_LENGTH} characters long. If you're "
            "looking for a decent generator, try using a UUID defined by IETF RFC 4122.",
        )
    return key


def _known(names: str) -> Schema:
    return dict.fromkeys(names.split(), anything)


# --- The schemas of the endpoints the shop calls ------------------------------------------

EXPAND: Schema = {"expand": array(string())}
RETRIEVE = EXPAND  # GET /v1/checkout/sessions/{id}, /v1/refunds/{id}, /v1/charges/{id}
EXPIRE = EXPAND
PAYMENT_INTENT_RETRIEVE: Schema = {**EXPAND, "client_secret": string()}
SESSION_LIST: Schema = {
    **_known("created customer customer_details ending_before payment_intent payment_link")
    | _known("starting_after status subscription"),
    **EXPAND,
    "limit": integer(1, 100),
}

PRODUCT_DATA: Schema = {
    **_known("tax_details"),
    "description": string(40000),
    "images": array(string()),
    "metadata": metadata,
    "name": string(),
    "tax_code": string(),
    "unit_label": string(12),
}
PRICE_DATA: Schema = {
    **_known("product recurring unit_amount_decimal"),
    "currency": currency,
    "product_data": obj(PRODUCT_DATA),
    "tax_behavior": enum("exclusive", "inclusive", "unspecified"),
    "unit_amount": integer(0),
}
LINE_ITEM: Schema = {
    **_known("adjustable_quantity tax_rates"),
    "metadata": metadata,
    "price": string(),
    "price_data": obj(PRICE_DATA),
    "quantity": integer(0),
}
PAYMENT_INTENT_DATA: Schema = {
    **_known("application_fee_amount on_behalf_of receipt_email setup_future_usage shipping")
    | _known("statement_descriptor statement_descriptor_suffix transfer_data transfer_group"),
    "capture_method": enum("automatic", "automatic_async", "manual"),
    "description": string(1000),
    "metadata": metadata,
}
SESSION_CREATE: Schema = {
    **_known(
        """adaptive_pricing after_expiration automatic_tax billing_address_collection
        branding_settings consent_collection custom_fields custom_text customer
        customer_account customer_creation customer_update discounts
        excluded_payment_method_types integration_identifier invoice_creation locale
        managed_payments name_collection optional_items origin_context
        payment_method_collection payment_method_configuration payment_method_data
        payment_method_options permissions phone_number_collection redirect_on_completion
        return_url saved_payment_method_options setup_intent_data shipping_address_collection
        shipping_options submit_type subscription_data tax_id_collection ui_mode
        wallet_options"""
    ),
    **EXPAND,
    "allow_promotion_codes": boolean,
    "allowed_payment_method_types": array(payment_method_type),
    "cancel_url": string(5000),
    "client_reference_id": string(200),
    "currency": currency,
    "customer_email": string(800),
    "expires_at": integer(),
    "line_items": array(obj(LINE_ITEM)),
    "metadata": metadata,
    "mode": enum("payment", "setup", "subscription"),
    "payment_intent_data": obj(PAYMENT_INTENT_DATA),
    "success_url": string(5000),
}
# API versions before 2026-09-30.endive named allowed_payment_method_types
# payment_method_types (and did not know the new name).
ENDIVE_REMOVES_PAYMENT_METHOD_TYPES = "2026-09-30"
SESSION_CREATE_BEFORE_ENDIVE: Schema = {
    **{k: v for k, v in SESSION_CREATE.items() if k != "allowed_payment_method_types"},
    "payment_method_types": array(payment_method_type),
}
PAYMENT_METHOD_TYPES_REMOVED_HINT = {
    "payment_method_types": " (removed from Checkout Session create in API version"
    " 2026-09-30.endive: use allowed_payment_method_types)"
}
REFUND_CREATE: Schema = {
    **_known("customer instructions_email origin refund_application_fee reverse_transfer"),
    **EXPAND,
    "amount": integer(1),
    "charge": string(),
    "currency": currency,
    "metadata": metadata,
    "payment_intent": string(),
    "reason": enum("duplicate", "fraudulent", "requested_by_customer"),
}
