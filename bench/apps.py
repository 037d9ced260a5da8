from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Only installed by the bench's settings: the `bench_data` command."""

    name = "bench"
    label = "bench"
