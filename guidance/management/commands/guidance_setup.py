from django.core.management.base import BaseCommand

from guidance.services import guidance_content_setup


class Command(BaseCommand):
    help = (
        "Load the technique pages and self-check texts that are missing (never overwrites edits)."
    )

    def handle(self, *args, **options):
        guidance_content_setup()
        self.stdout.write("Guidance content is in place.")
