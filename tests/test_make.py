"""`make test`, the command README gives, sets up everything the suite needs: the browser
tests' Chromium included, or it says plainly why it cannot."""

import os
import shutil
import subprocess
import tempfile

from tests.subprocesses import ROOT

MAKE = shutil.which("make")


def make(*targets, path):
    environment = {**os.environ, "PATH": path}
    return subprocess.run(
        [MAKE, "--no-print-directory", *targets],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_make_test_sets_up_chromium_before_the_suite():
    dry_run = make("-n", "test", path=os.environ["PATH"])
    assert dry_run.returncode == 0, dry_run.stderr
    lines = dry_run.stdout.splitlines()
    browser = next(i for i, line in enumerate(lines) if "command -v chromium" in line)
    suite = next(i for i, line in enumerate(lines) if "/pytest" in line)
    assert browser < suite
    assert "apt-get install -y -qq chromium" in dry_run.stdout


def test_with_chromium_on_the_path_nothing_is_installed():
    chromium = shutil.which("chromium")
    assert chromium, "this machine's browser tests need Debian's chromium on PATH"
    with tempfile.TemporaryDirectory() as bin_dir:
        # Only chromium: an attempt to install would fail for want of apt-get.
        os.symlink(chromium, os.path.join(bin_dir, "chromium"))
        result = make("browser", path=bin_dir)
        assert result.returncode == 0, result.stderr
        assert "installing" not in result.stdout


def test_without_chromium_and_no_way_to_install_it_says_so():
    with tempfile.TemporaryDirectory() as empty:
        result = make("browser", path=empty)
    assert result.returncode != 0
    assert "make test needs Chromium for the browser tests" in result.stderr
    assert "apt-get install chromium" in result.stderr
