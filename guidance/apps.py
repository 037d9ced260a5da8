from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    """The self-check, its results and routines, and the technique pages."""

    name = "guidance"

    def ready(self):
        from guidance import receivers  # noqa: F401  (order attribution)
