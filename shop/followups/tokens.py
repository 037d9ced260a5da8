"""Signed tokens for the links in emails: unsubscribe and consent confirmation.

A token names the contact by its random key (never the sequential id) and a short hash of the
address, so a link stops working if the row's address ever changes; it carries the time it was
made, and django.core.signing refuses it after its lifetime (unsubscribe: at least a year, as
mailbox providers expect; consent confirmation: days) and any altered or forged token.
"""

import hashlib

from django.conf import settings
from django.core import signing

from .models import Contact

UNSUBSCRIBE_SALT = "followups.unsubscribe"
CONSENT_SALT = "followups.consent"
DAY = 24 * 60 * 60


def _address_hash(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:10]


def _make(contact: Contact, salt: str) -> str:
    return signing.TimestampSigner(salt=salt).sign_object(
        [contact.key, _address_hash(contact.email)]
    )


def _contact(token: str, salt: str, max_age_days: int) -> Contact | None:
    try:
        key, address_hash = signing.TimestampSigner(salt=salt).unsign_object(
            token, max_age=max_age_days * DAY
        )
    except (signing.BadSignature, TypeError, ValueError):
        return None
    contact = Contact.objects.filter(key=str(key)).first()
    if contact is None or _address_hash(contact.email) != address_hash:
        return None
    return contact


def unsubscribe_token(contact: Contact) -> str:
    return _make(contact, UNSUBSCRIBE_SALT)


def _legacy_unsubscribe_contact(token: str) -> Contact | None:
    """Links sent before tokens carried a time ([id, address hash], no expiry): they keep
    working, as mailbox providers expect of a one-click unsubscribe. Drop after 2027-12."""
    try:
        pk, address_hash = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    contact = Contact.objects.filter(pk=pk).first() if isinstance(pk, int) else None
    if contact is None or _address_hash(contact.email) != address_hash:
        return None
    return contact


def contact_from_unsubscribe_token(token: str) -> Contact | None:
    return _contact(
        token, UNSUBSCRIBE_SALT, settings.FOLLOWUPS_UNSUBSCRIBE_LINK_DAYS
    ) or _legacy_unsubscribe_contact(token)


def consent_token(contact: Contact) -> str:
    return _make(contact, CONSENT_SALT)


def contact_from_consent_token(token: str) -> Contact | None:
    return _contact(token, CONSENT_SALT, settings.FOLLOWUPS_CONFIRM_LINK_DAYS)
