"""Two dispatchers racing on PostgreSQL (SELECT ... FOR UPDATE SKIP LOCKED) send each row once."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from shop.followups.models import Contact, PlannedEmail
from shop.followups.services import followup_dispatch, planned_emails_send

ROWS = 300


@pytest.mark.postgresql
def test_two_dispatchers_racing_send_each_row_exactly_once(
    transactional_db, smtp_settings, smtp_sink, settings
):
    settings.FOLLOWUPS_DISPATCH_BATCH = 20  # many small claims, so the two interleave
    settings.FOLLOWUPS_SEND_CHUNK = 5
    contacts = Contact.objects.bulk_create(
        Contact(email=f"person{n}@example.com") for n in range(ROWS)
    )
    now = timezone.now()
    PlannedEmail.objects.bulk_create(
        PlannedEmail(contact=c, kind="routine", key=f"routine:race:{c.pk}", due_at=now)
        for c in contacts
    )
    start = threading.Barrier(2)
    claimed: dict[str, list[int]] = {"a": [], "b": []}
    errors = []

    def dispatcher(name):
        try:
            start.wait(timeout=30)

            def send(token, ids):
                claimed[name].extend(ids)
                planned_emails_send(claim_token=token, ids=ids)

            followup_dispatch(enqueue=send)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher, args=(name,)) for name in claimed]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert errors == []
    assert set(claimed["a"]).isdisjoint(claimed["b"])
    assert len(claimed["a"]) + len(claimed["b"]) == ROWS
    recipients = [m["To"] for m in smtp_sink.messages]
    assert len(recipients) == ROWS
    assert set(recipients) == {f"person{n}@example.com" for n in range(ROWS)}
    assert set(PlannedEmail.objects.values_list("state", "attempts")) == {("sent", 1)}
