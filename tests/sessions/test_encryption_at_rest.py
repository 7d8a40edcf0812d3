"""What a counselor writes about a session is ciphertext in the database itself."""

from django.db import connection

from counseling.keys import open_token as decrypt
from sessions import services
from tests.conftest import sealed
from tests.sessions.conftest import NOTE_TEXT

ADDENDUM = "Ibu Siti menelepon; kakaknya sudah diajak bicara."


def raw_rows(table, columns):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")
        return cursor.fetchall()


def test_the_note_columns_hold_no_plaintext(draft_note):
    [row] = raw_rows("counseling_sessions_sessionnote", list(NOTE_TEXT))
    for stored, (name, plaintext) in zip(row, NOTE_TEXT.items(), strict=True):
        assert plaintext not in stored, name
        assert "Siti" not in stored, name
        # The column holds this very text, sealed under Siti's data key: not an empty or
        # lost value.
        assert sealed(stored) and decrypt(stored) == plaintext


def test_the_addendum_and_the_place_hold_no_plaintext(final_note, bu_rina):
    services.add_addendum(final_note, by=bu_rina, body=ADDENDUM)

    [(addendum,)] = raw_rows("counseling_sessions_noteaddendum", ["body"])
    assert ADDENDUM not in addendum
    assert decrypt(addendum) == ADDENDUM

    [(place,)] = raw_rows("counseling_sessions_counselingsession", ["place"])
    assert "Ruang BK" not in place
    assert decrypt(place) == "Ruang BK"
