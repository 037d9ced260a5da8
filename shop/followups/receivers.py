"""Plans follow-up emails when a routine is requested (guidance) or an order becomes Paid
(Oscar's order_status_changed, sent by order.set_status inside order_payment_confirm's
transaction, so the planned rows commit with the payment or not at all: a transactional outbox);
forgets a person when guidance erases them, and what it kept for results guidance purges. A
pending, cancelled or expired order plans nothing.

They only write rows; nothing here talks to the broker or SMTP, so the pages that send these
signals never wait on Redis. A failure is logged and never breaks the request or the order.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.dispatch import receiver
from oscar.apps.order.signals import order_status_changed

from guidance.signals import person_erased, results_purged, routine_requested

from .services import (
    contact_erase,
    contacts_purge_for_results,
    followups_schedule_for_order,
    followups_schedule_for_routine_request,
)

logger = logging.getLogger(__name__)


@receiver(routine_requested, dispatch_uid="followups.routine_requested")
def plan_routine_emails(sender, routine_request, **kwargs):
    try:
        with transaction.atomic():
            followups_schedule_for_routine_request(routine_request=routine_request)
    except Exception:  # noqa: BLE001 - the visitor's page must not fail because of an email
        logger.exception("followups: could not plan emails for request %s", routine_request.pk)


@receiver(order_status_changed, dispatch_uid="followups.order_paid")
def plan_order_emails(sender, order, old_status, new_status, **kwargs):
    if new_status != settings.SHOP_ORDER_STATUS_PAID:
        return
    try:
        with transaction.atomic():  # a savepoint inside the payment's transaction
            followups_schedule_for_order(order=order)
    except Exception:  # noqa: BLE001 - a payment must never fail because of an email
        logger.exception("followups: could not plan emails for order %s", order.number)


@receiver(person_erased, dispatch_uid="followups.person_erased")
def erase_contact(sender, email, **kwargs):
    # No try/except: if this fails, the erasure as a whole must fail (and roll back).
    contact_erase(email=email)


@receiver(results_purged, dispatch_uid="followups.results_purged")
def purge_contacts(sender, result_ids, emails, **kwargs):
    # No try/except: a failure rolls the purge back; beat runs it again.
    contacts_purge_for_results(result_ids=result_ids, emails=emails)
