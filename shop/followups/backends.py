"""Email backends: the embedded default's outbox (each message its own .eml file in
EMAIL_FILE_PATH), and SMTP that tells a lost final reply from a failed send.

Django's file backend appends every message sent over one connection to one file; the send task
reuses a connection for a whole chunk, so this keeps one readable file per email (open it in any
mail client to see the HTML part).
"""

import smtplib
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends import smtp
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


class OutboxEmailBackend(BaseEmailBackend):
    def __init__(self, *args, file_path=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = Path(file_path or settings.EMAIL_FILE_PATH)

    def send_messages(self, email_messages) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            path = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
            path.write_bytes(message.message().as_bytes(linesep="\n"))
        return len(email_messages)


class DeliveryUnknown(Exception):
    """The whole message went out after DATA but the server's final reply never came: it may
    have been delivered, so sending it again could make a second copy."""


class _FinalReplyMixin(smtplib.SMTP):
    """For smtplib.SMTP: notes when the message body is on the wire, then waits for the final
    reply FOLLOWUPS_SMTP_FINAL_REPLY_TIMEOUT (RFC 5321 4.5.3.2.6 allows minutes), not
    EMAIL_TIMEOUT."""

    _sends_in_data: int | None = None  # counted during DATA only
    body_sent = False

    def data(self, msg):
        self._sends_in_data = 0
        self.body_sent = False
        try:
            return super().data(msg)
        finally:
            self._sends_in_data = None
            if self.sock is not None:
                self.sock.settimeout(self.timeout)

    def send(self, s):
        super().send(s)
        if self._sends_in_data is not None:
            self._sends_in_data += 1
            if self._sends_in_data == 2:  # "DATA" was the first; this was the body and "."
                self.body_sent = True
                if self.sock is not None:
                    self.sock.settimeout(settings.FOLLOWUPS_SMTP_FINAL_REPLY_TIMEOUT)


class _SMTP(_FinalReplyMixin, smtplib.SMTP):
    pass


class _SMTPSSL(_FinalReplyMixin, smtplib.SMTP_SSL):
    pass


class SMTPEmailBackend(smtp.EmailBackend):
    """Django's SMTP backend, raising DeliveryUnknown when the connection is lost (or times out)
    after the body was sent, so the send step can tell it from a failure before it."""

    @property
    def connection_class(self):
        return _SMTPSSL if self.use_ssl else _SMTP

    def _send(self, email_message):
        try:
            # django-stubs leave out the private _send that this wraps
            return super()._send(email_message)  # type: ignore[misc]
        except smtplib.SMTPServerDisconnected as exc:
            if getattr(self.connection, "body_sent", False):
                raise DeliveryUnknown(str(exc)) from exc
            raise
