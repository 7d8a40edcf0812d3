"""verify_audit names the first broken entry after an edit, a deletion or a swap."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from counseling.audit import log
from counseling.audit.models import AccessEvent


@pytest.fixture
def chain(siti, bu_rina):
    for _ in range(6):
        log.record(log.Action.VIEW, actor=bu_rina, obj=siti.counselee, counselee=siti.counselee)
    return list(AccessEvent.objects.order_by("id").values_list("id", flat=True))


def tamper(sql, params=()):
    """Change the table behind the application's back, as someone with database access could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")  # past the triggers
        cursor.execute(sql, params)


def verify(**options):
    call_command("verify_audit", verbosity=0, **options)


def test_an_intact_chain_passes(chain, capsys):
    verify()
    assert f"{len(chain)} entries" in capsys.readouterr().out


def test_an_edited_entry_is_named(chain):
    target = chain[4]
    tamper("UPDATE audit_accessevent SET action = 'export' WHERE id = %s", [target])
    with pytest.raises(CommandError, match=rf"entry #{target} .*altered"):
        verify()


def test_a_deleted_middle_entry_is_named(chain):
    target = chain[3]
    tamper("DELETE FROM audit_accessevent WHERE id = %s", [target])
    with pytest.raises(CommandError, match=rf"entry #{target} is missing"):
        verify()


def test_two_swapped_entries_are_caught_at_the_first(chain):
    first, second = chain[2], chain[5]
    columns = "actor_role, action, object_type, object_id, prev_hash, hash"
    rows = {}
    with connection.cursor() as cursor:
        for id_ in (first, second):
            cursor.execute(f"SELECT {columns} FROM audit_accessevent WHERE id = %s", [id_])
            rows[id_] = cursor.fetchone()
    swap = (
        "UPDATE audit_accessevent SET actor_role=%s, action=%s, object_type=%s, "
        "object_id=%s, prev_hash=%s, hash=%s WHERE id=%s"
    )
    # Through a placeholder hash: the swap is done one row at a time.
    tamper(swap, [*rows[second][:-1], "swap", first])
    tamper(swap, [*rows[first], second])
    tamper("UPDATE audit_accessevent SET hash=%s WHERE id=%s", [rows[second][-1], first])
    with pytest.raises(CommandError, match=rf"entry #{first} "):
        verify()


def test_entries_cut_off_the_end_are_caught_against_a_logged_head(chain):
    last = AccessEvent.objects.order_by("-id").first()
    tamper("DELETE FROM audit_accessevent WHERE id = %s", [last.id])
    verify()  # the rest of the chain is still consistent...
    with pytest.raises(CommandError, match="cut off the end"):
        verify(expect_head=f"{last.id}:{last.hash}")  # ...but not with yesterday's head


def test_a_different_hmac_key_is_reported_as_a_wrong_key_not_as_tampering(chain, settings):
    settings.AUDIT_HMAC_KEY = "another-key-entirely-0123456789"
    with pytest.raises(CommandError, match=rf"^Wrong AUDIT_HMAC_KEY: entry #{chain[0]} ") as error:
        verify()
    assert "altered" not in str(error.value)


def test_an_edited_entry_is_not_reported_as_a_wrong_key(chain):
    tamper("UPDATE audit_accessevent SET object_id = 'lain' WHERE id = %s", [chain[1]])
    with pytest.raises(CommandError, match=rf"entry #{chain[1]} .*altered") as error:
        verify()
    assert "Wrong" not in str(error.value)
