from django.apps import AppConfig


class StoreConfig(AppConfig):
    """Shop glue that belongs to no Oscar app: store set-up, health check, catalogue reads."""

    name = "shop.store"
    label = "store"
