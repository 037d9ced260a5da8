from django.core.management.base import BaseCommand

from shop.store.services import store_setup


class Command(BaseCommand):
    help = (
        "Create whatever of the store is missing (safe to run again; never overwrites staff edits)."
    )

    def handle(self, *args, **options):
        product = store_setup()
        self.stdout.write(
            self.style.SUCCESS(f"Store ready: {product.title} at {product.get_absolute_url()}")
        )
