from django.apps import AppConfig


class FollowupsConfig(AppConfig):
    """Follow-up emails: planned email rows, the beat dispatcher, sending, unsubscribe, consent."""

    name = "shop.followups"
    label = "followups"
    verbose_name = "Follow-up emails"

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
