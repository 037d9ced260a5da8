from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    """The self-check, its results and routines, and the technique pages."""

    name = "guidance"
