from django.apps import apps
from django.core.cache import cache
from django.core.management.base import BaseCommand

from bench.data import bench_catalogue_set, bench_cream_stock_set


class Command(BaseCommand):
    help = (
        "Load the store (and the guidance content where installed), generate products until the catalogue lists exactly --products "
        "and give the cream's sizes bench.data.CREAM_STOCK in stock (the purchase row); "
        "--clear-cache (alone: only that) empties this configuration's cache."
    )

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int)
        parser.add_argument(
            "--clear-cache",
            action="store_true",
            help="empty this configuration's cache (on Redis: only the keys under its prefix)",
        )

    def handle(self, *args, products, clear_cache, **options):
        if products is not None:
            generated = bench_catalogue_set(products=products)
            bench_cream_stock_set()
            if apps.is_installed("guidance"):  # ours; stock Oscar has no guidance pages
                from guidance.services import guidance_content_setup

                guidance_content_setup()
            self.stdout.write(f"catalogue: the cream + {generated} generated products")
        if clear_cache:
            if hasattr(cache, "delete_pattern"):  # django-redis: keys under KEY_PREFIX only
                cache.delete_pattern("*")
            else:
                cache.clear()
