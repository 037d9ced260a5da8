"""Erases a person's account and anonymises their orders when guidance erases them."""

from django.dispatch import receiver

from guidance.signals import person_erased

from .services import person_erase


@receiver(person_erased, dispatch_uid="customer.person_erased")
def erase_customer(sender, email, **kwargs):
    # No try/except: a failure rolls the whole erasure back (guidance.signals.person_erased).
    person_erase(email=email)
