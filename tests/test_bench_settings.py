"""The benchmark's app lives in the benchmark's settings, not in production's."""

from django.conf import settings

from tests.subprocesses import manage


def test_production_settings_do_not_install_the_benchmark():
    assert "bench" not in settings.INSTALLED_APPS
    assert not any(app.startswith("bench.") for app in settings.INSTALLED_APPS)


def test_seed_scale_exists_only_under_the_benchmarks_settings():
    production = manage("help", "seed_scale", DEBUG="on")
    assert production.returncode != 0
    assert "Unknown command" in production.stderr

    bench = manage("help", "seed_scale", DEBUG="on", DJANGO_SETTINGS_MODULE="bench.settings")
    assert bench.returncode == 0, bench.stderr
    assert "--scale" in bench.stdout
