"""The objects the stand-in sends, with every field Stripe always sends (null where Stripe
would send null), after stripe 16's resource types (`stripe.checkout.Session`, `Refund`,
`PaymentIntent`, `Charge`, `Event`). Fields Stripe sends only when expanded (a session's
`line_items`) are left out, as Stripe leaves them out."""

from __future__ import annotations

import secrets
from typing import Any

API_VERSION = "2025-09-30.clover"


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def list_object(url: str, data: list[Any] | None = None) -> dict[str, Any]:
    data = data or []
    return {"object": "list", "data": data, "has_more": False, "total_count": len(data), "url": url}


def checkout_session(
    params: dict[str, Any],
    *,
    session_id: str,
    total: int,
    currency: str,
    now: int,
    expires_at: int,
    payment_method_types: list[str],
    url: str,
) -> dict[str, Any]:
    """A new open Checkout Session in payment mode from checked create parameters."""
    return {
        "id": session_id,
        "object": "checkout.session",
        "adaptive_pricing": {"enabled": False},
        "after_expiration": None,
        "allow_promotion_codes": params.get("allow_promotion_codes"),
        "allowed_payment_method_types": params.get("allowed_payment_method_types"),
        "amount_subtotal": total,
        "amount_total": total,
        "automatic_tax": {"enabled": False, "liability": None, "provider": None, "status": None},
        "billing_address_collection": None,
        "branding_settings": None,
        "cancel_url": params.get("cancel_url"),
        "client_reference_id": params.get("client_reference_id"),
        "client_secret": None,
        "collected_information": None,
        "consent": None,
        "consent_collection": None,
        "created": now,
        "currency": currency,
        "currency_conversion": None,
        "custom_fields": [],
        "custom_text": {
            "after_submit": None,
            "shipping_address": None,
            "submit": None,
            "terms_of_service_acceptance": None,
        },
        "customer": None,
        "customer_account": None,
        "customer_creation": "if_required",
        "customer_details": None,
        "customer_email": params.get("customer_email"),
        "discounts": [],
        "excluded_payment_method_types": [],
        "expires_at": expires_at,
        "integration_identifier": None,
        "invoice": None,
        "invoice_creation": {
            "enabled": False,
            "invoice_data": {
                "account_tax_ids": None,
                "custom_fields": None,
                "description": None,
                "footer": None,
                "issuer": None,
                "metadata": {},
                "rendering_options": None,
            },
        },
        "livemode": False,
        "locale": params.get("locale"),
        "metadata": params.get("metadata", {}),
        "mode": "payment",
        "origin_context": None,
        "payment_intent": None,
        "payment_link": None,
        "payment_method_collection": "if_required",
        "payment_method_configuration_details": None,
        "payment_method_options": {},
        "payment_method_types": payment_method_types,
        "payment_status": "unpaid",
        "permissions": None,
        "phone_number_collection": {"enabled": False},
        "presentment_details": None,
        "recovered_from": None,
        "saved_payment_method_options": None,
        "setup_intent": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "shipping_options": [],
        "status": "open",
        "submit_type": None,
        "subscription": None,
        "success_url": params["success_url"],
        "total_details": {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0},
        "ui_mode": "hosted",
        "url": url,
        "wallet_options": None,
    }


def customer_details(email: str | None) -> dict[str, Any]:
    return {
        "address": None,
        "business_name": None,
        "email": email,
        "individual_name": None,
        "name": None,
        "phone": None,
        "tax_exempt": "none",
        "tax_ids": [],
    }


def charge(
    *,
    charge_id: str,
    intent_id: str,
    amount: int,
    currency: str,
    now: int,
    metadata: dict[str, str],
    details: dict[str, Any],
    settled: bool,
) -> dict[str, Any]:
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": 0,
        "application": None,
        "application_fee": None,
        "application_fee_amount": None,
        "balance_transaction": None,
        "billing_details": {"address": None, "email": None, "name": None, "phone": None},
        "calculated_statement_descriptor": "RELEAF",
        "captured": True,
        "created": now,
        "currency": currency,
        "customer": None,
        "description": None,
        "disputed": False,
        "failure_balance_transaction": None,
        "failure_code": None,
        "failure_message": None,
        "fraud_details": {},
        "livemode": False,
        "metadata": metadata,
        "on_behalf_of": None,
        "outcome": None,
        "paid": settled,
        "payment_intent": intent_id,
        "payment_method": new_id("pm"),
        "payment_method_details": details,
        "receipt_email": None,
        "receipt_number": None,
        "receipt_url": None,
        "refunded": False,
        "refunds": list_object(f"/v1/charges/{charge_id}/refunds"),
        "review": None,
        "shipping": None,
        "source_transfer": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "succeeded" if settled else "pending",
        "transfer_data": None,
        "transfer_group": None,
    }


def payment_intent(
    *,
    intent_id: str,
    charge: dict[str, Any],
    description: str | None,
) -> dict[str, Any]:
    settled = charge["paid"]
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": charge["amount"],
        "amount_capturable": 0,
        "amount_details": {"tip": {}},
        "amount_received": charge["amount"] if settled else 0,
        "application": None,
        "application_fee_amount": None,
        "automatic_payment_methods": None,
        "canceled_at": None,
        "cancellation_reason": None,
        "capture_method": "automatic",
        "client_secret": f"{intent_id}_secret_{secrets.token_hex(8)}",
        "confirmation_method": "automatic",
        "created": charge["created"],
        "currency": charge["currency"],
        "customer": None,
        "description": description,
        "last_payment_error": None,
        "latest_charge": charge["id"],
        "livemode": False,
        "metadata": charge["metadata"],
        "next_action": None,
        "on_behalf_of": None,
        "payment_method": charge["payment_method"],
        "payment_method_configuration_details": None,
        "payment_method_options": {},
        "payment_method_types": [charge["payment_method_details"]["type"]],
        "processing": None,
        "receipt_email": None,
        "review": None,
        "setup_future_usage": None,
        "shipping": None,
        "source": None,
        "statement_descriptor": None,
        "statement_descriptor_suffix": None,
        "status": "succeeded" if settled else "processing",
        "transfer_data": None,
        "transfer_group": None,
    }


def refund(
    params: dict[str, Any], *, refund_id: str, amount: int, charge: dict[str, Any], now: int
) -> dict[str, Any]:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "balance_transaction": None,
        "charge": charge["id"],
        "created": now,
        "currency": charge["currency"],
        "description": None,
        "destination_details": None,
        "failure_balance_transaction": None,
        "failure_reason": None,
        "instructions_email": None,
        "metadata": params.get("metadata", {}),
        "next_action": None,
        "payment_intent": charge["payment_intent"],
        "payment_method": charge["payment_method"],
        "pending_reason": None,
        "presentment_details": None,
        "reason": params.get("reason"),
        "receipt_number": None,
        "source_transfer_reversal": None,
        "status": "succeeded",
        "transfer_reversal": None,
    }


def event(event_type: str, data_object: dict[str, Any], *, now: int) -> dict[str, Any]:
    return {
        "id": new_id("evt"),
        "object": "event",
        "api_version": API_VERSION,
        "created": now,
        "data": {"object": data_object},
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
    }
