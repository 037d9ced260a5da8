from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _email_content_ensure(**kwargs) -> None:
    from .services import email_content_ensure

    email_content_ensure()


class FollowupsConfig(AppConfig):
    """Follow-up emails: planned email rows, the beat dispatcher, sending, unsubscribe, consent."""

    name = "shop.followups"
    label = "followups"
    verbose_name = "Follow-up emails"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)

        # Staff edit the words as rows; create the missing ones after every migrate (never
        # overwriting edits), so a fresh database has them without a separate command.
        post_migrate.connect(_email_content_ensure, sender=self)
