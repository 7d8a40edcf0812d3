"""Disclosure.recipient_role: free text in plaintext becomes a closed list.

What a counselor typed ("Polisi PPA: dugaan kekerasan oleh ayah tiri") showed up in every
database dump. The text moves, unchanged, into the encrypted `recipient_role_detail`; the
role becomes the closest entry of the closed list, or "other". The old plaintext is
overwritten by a code before the column shrinks (PostgreSQL keeps the dead row versions
until VACUUM: run `VACUUM FULL consent_disclosure` afterwards to drop them for good).
"""

import counseling.encryption
from django.db import migrations, models

# Closest role for words a counselor might have typed, tried in this order: a police
# unit for women and children ("Polisi PPA") is the police; a homeroom teacher (wali
# kelas) is not a guardian (wali).
MATCHES = [
    ("police", ("polisi", "polres", "polsek", "polda", "kepolisian", "police")),
    ("child_protection", ("ppa", "p2tp2a", "perlindungan anak", "dinas sosial", "dinsos", "kpai")),
    ("homeroom_teacher", ("wali kelas", "homeroom")),
    ("principal", ("kepala sekolah", "kepsek", "principal")),
    ("psychologist", ("psikolog", "psikiater", "psycholog", "psychiatr")),
    (
        "health",
        ("puskesmas", "dokter", "rumah sakit", "perawat", "bidan", "kesehatan", "doctor", "nurse"),
    ),
    ("parent", ("orang tua", "orangtua", "ortu", "wali", "ayah", "ibu", "parent", "guardian")),
]
ROLES = {code for code, _words in MATCHES} | {"other"}


def closest_role(text: str) -> str:
    lowered = " ".join(text.lower().split())
    if lowered in ROLES:
        return lowered
    for code, words in MATCHES:
        if any(word in lowered for word in words):
            return code
    return "other"


def to_closed_list(apps, schema_editor):
    Disclosure = apps.get_model("consent", "Disclosure")
    for disclosure in Disclosure._base_manager.iterator():
        text = disclosure.recipient_role
        if text in ROLES and not disclosure.recipient_role_detail:
            continue  # already migrated
        disclosure.recipient_role_detail = text[:200]
        disclosure.recipient_role = closest_role(text)
        disclosure.save(update_fields=["recipient_role", "recipient_role_detail"])


def back_to_text(apps, schema_editor):
    Disclosure = apps.get_model("consent", "Disclosure")
    for disclosure in Disclosure._base_manager.iterator():
        disclosure.recipient_role = (disclosure.recipient_role_detail or disclosure.recipient_role)[:100]
        disclosure.recipient_role_detail = ""
        disclosure.save(update_fields=["recipient_role", "recipient_role_detail"])


class Migration(migrations.Migration):

    dependencies = [
        ('consent', '0005_delivery_state_on_notices'),
    ]

    operations = [
        migrations.AddField(
            model_name='disclosure',
            name='recipient_role_detail',
            field=counseling.encryption.EncryptedCharField(blank=True, verbose_name='keterangan peran penerima'),
        ),
        migrations.RunPython(to_closed_list, back_to_text),
        migrations.AlterField(
            model_name='disclosure',
            name='recipient_role',
            field=models.CharField(choices=[('parent', 'Orang tua atau wali siswa'), ('homeroom_teacher', 'Wali kelas'), ('principal', 'Kepala sekolah'), ('health', 'Tenaga kesehatan (puskesmas, dokter, rumah sakit)'), ('psychologist', 'Psikolog atau psikiater'), ('child_protection', 'Layanan perlindungan anak (UPTD PPA, dinas sosial)'), ('police', 'Polisi'), ('other', 'Lainnya')], max_length=32, verbose_name='peran penerima'),
        ),
    ]
