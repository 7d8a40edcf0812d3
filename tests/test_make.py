"""`make test`, the command README gives, sets up everything the suite needs: the Debian
programs the tests drive (chromium, age, nginx, pgbouncer), or it says plainly why not."""

import os
import shutil
import subprocess
import tempfile

from tests.subprocesses import ROOT

MAKE = shutil.which("make")
TOOLS = ("chromium", "age", "nginx", "pgbouncer")


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


def bin_with(directory, *programs):
    """A PATH directory holding only `programs` (and the shell the script runs in)."""
    for program in ("bash", "env", *programs):
        os.symlink(shutil.which(program), os.path.join(directory, program))
    return directory


def test_make_test_sets_up_the_tools_before_the_suite():
    dry_run = make("-n", "test", path=os.environ["PATH"])
    assert dry_run.returncode == 0, dry_run.stderr
    lines = dry_run.stdout.splitlines()
    tools = next(i for i, line in enumerate(lines) if "tests/tools.sh" in line)
    suite = next(i for i, line in enumerate(lines) if "/pytest" in line)
    assert tools < suite


def test_with_the_tools_on_the_path_nothing_is_installed():
    for program in TOOLS:
        assert shutil.which(program), f"this machine's tests need Debian's {program} on PATH"
    with tempfile.TemporaryDirectory() as directory:
        # Nothing else: an attempt to install would fail for want of apt-get.
        result = make("tools", path=bin_with(directory, *TOOLS))
    assert result.returncode == 0, result.stderr
    assert "installing" not in result.stdout


def test_without_a_tool_and_no_way_to_install_it_says_so():
    with tempfile.TemporaryDirectory() as directory:
        result = make("tools", path=bin_with(directory, "chromium", "age", "nginx"))
    assert result.returncode != 0
    assert "make test needs these Debian packages" in result.stderr
    assert "apt-get install pgbouncer" in result.stderr
