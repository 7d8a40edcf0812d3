"""Indonesian first, English second: every user-facing string is in the English catalogue."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_the_english_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_matches_the_source():
    source = {e.msgid: e.msgstr for e in polib.pofile(str(CATALOGUE)).translated_entries()}
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(CATALOGUE.with_suffix(".mo")))}
    assert compiled == source, "run `make messages` and commit the .mo file"


def test_every_string_marked_for_translation_is_in_the_catalogue(tmp_path):
    # Extract the strings from a copy of the code, as `make messages` would.
    copy = tmp_path / "amanah"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", ".git", "staticfiles", "*.sqlite3", "__pycache__"),
    )
    (copy / "locale" / "en" / "LC_MESSAGES" / "django.po").unlink()
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale", "en", "--no-location"],
        cwd=copy,
        env={"PATH": "/usr/bin:/bin", "DEBUG": "on", "HOME": str(tmp_path)},
        check=True,
        capture_output=True,
    )
    extracted = {e.msgid for e in polib.pofile(str(copy / "locale/en/LC_MESSAGES/django.po"))}
    known = {e.msgid for e in polib.pofile(str(CATALOGUE))}
    assert sorted(extracted - known) == [], "run `make messages` and translate the new strings"


def test_indonesian_is_the_default_language(client, db):
    assert settings.LANGUAGE_CODE == "id"
    response = client.get(reverse("login"))
    assert '<html lang="id">' in response.text
    assert "Masuk ke Amanah" in response.text


def test_the_footer_switches_to_english(client, db):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("login")}, follow=True
    )
    assert '<html lang="en">' in response.text
    assert "Masuk ke Amanah" not in response.text
