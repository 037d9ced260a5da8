"""Signed tokens for the links in emails: unsubscribe and consent confirmation.

A token names the contact and a short hash of the address, so a link stops working if the row's
address ever changes; django.core.signing refuses any altered or forged token.
"""

import hashlib

from django.core import signing

from .models import Contact

UNSUBSCRIBE_SALT = "followups.unsubscribe"
CONSENT_SALT = "followups.consent"


def _address_hash(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:10]


def _make(contact: Contact, salt: str) -> str:
    return signing.Signer(salt=salt).sign_object([contact.pk, _address_hash(contact.email)])


def _contact(token: str, salt: str) -> Contact | None:
    try:
        pk, address_hash = signing.Signer(salt=salt).unsign_object(token)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    contact = Contact.objects.filter(pk=pk).first()
    if contact is None or _address_hash(contact.email) != address_hash:
        return None
    return contact


def unsubscribe_token(contact: Contact) -> str:
    return _make(contact, UNSUBSCRIBE_SALT)


def contact_from_unsubscribe_token(token: str) -> Contact | None:
    return _contact(token, UNSUBSCRIBE_SALT)


def consent_token(contact: Contact) -> str:
    return _make(contact, CONSENT_SALT)


def contact_from_consent_token(token: str) -> Contact | None:
    return _contact(token, CONSENT_SALT)
