from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The district-scale benchmark: `seed_scale`, and the pieces `make bench` uses."""

    name = "bench"
    verbose_name = "Benchmark"
