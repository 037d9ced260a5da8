from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shop.store.selectors import launch_checklist


class Command(BaseCommand):
    help = (
        "Print the launch checklist (what still has an example or missing value). Without "
        "DEBUG (production) it fails when customers would see any of it; --strict always does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--strict", action="store_true", help="fail even with DEBUG on")

    def handle(self, *args, strict=False, **options):
        items = launch_checklist()
        for item in items:
            mark = "!" if item.customer_visible else "-"
            where = f" ({item.url})" if item.url else ""
            self.stdout.write(f"{mark} {item.problem}\n    {item.fix}{where}")
        visible = [item for item in items if item.customer_visible]
        if not items:
            self.stdout.write(self.style.SUCCESS("Ready to open: nothing left on the checklist."))
        elif visible and (strict or not settings.DEBUG):
            raise CommandError(f"{len(visible)} customer-visible item(s) still to fix (marked !).")
        else:
            self.stdout.write(f"{len(items)} item(s) on the checklist.")
