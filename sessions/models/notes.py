"""Counseling sessions and the counselor's working notes about them.

Everything a counselor writes here is encrypted at rest (`counseling.encryption`). A note
is a draft until its author finalises it; after that it never changes again, and a
correction or later insight is a dated addendum beside it. No `__str__` here holds
content, because Django copies `__str__` into places such as its admin log.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from counseling.encryption import (
    CounseleeEncryptedCharField,
    CounseleeEncryptedTextField,
    EncryptedFieldsQuerySet,
)


class FinalisedNoteError(Exception):
    """A finalised note or an addendum was about to be changed; they are permanent."""


class CounselingSession(models.Model):
    """One meeting between a counselor and a counselee, walk-in or booked."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Terjadwal")
        IN_PROGRESS = "in_progress", _("Berlangsung")
        COMPLETED = "completed", _("Selesai")
        CANCELLED = "cancelled", _("Dibatalkan")
        NO_SHOW = "no_show", _("Tidak hadir")

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("Tatap muka")
        ONLINE = "online", _("Daring")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee",
        on_delete=models.PROTECT,
        related_name="counseling_sessions",
        verbose_name=_("konseli"),
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="counseling_sessions",
        verbose_name=_("konselor"),
    )
    scheduled_start = models.DateTimeField(_("jadwal mulai"))
    scheduled_end = models.DateTimeField(_("jadwal selesai"))
    started_at = models.DateTimeField(_("dimulai"), null=True, blank=True)
    # At a first session: when the counselor confirmed explaining the limits in person.
    limits_explained_at = models.DateTimeField(
        _("batas kerahasiaan dijelaskan"), null=True, blank=True
    )
    ended_at = models.DateTimeField(_("berakhir"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED
    )
    mode = models.CharField(
        _("bentuk"), max_length=16, choices=Mode.choices, default=Mode.FACE_TO_FACE
    )
    # Free text typed by a counselor: usually "Ruang BK", but it could name a student's
    # home or a hospital, so it is encrypted like any other text about a student.
    place = CounseleeEncryptedCharField(
        _("tempat"), max_length=100, blank=True, counselee_path="counselee"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("sesi konseling")
        verbose_name_plural = _("sesi konseling")
        constraints = [
            models.CheckConstraint(
                condition=Q(scheduled_end__gt=F("scheduled_start")),
                name="session_ends_after_it_starts",
            )
        ]
        indexes = [
            models.Index(fields=["counselee", "scheduled_start"], name="session_counselee_start"),
            models.Index(fields=["counselor", "scheduled_start"], name="session_counselor_start"),
            # The sessions that hold a counselor's time (sessions.availability): a few
            # upcoming ones among years of history, read on every booking.
            models.Index(
                fields=["counselor", "scheduled_start"],
                condition=Q(status__in=["scheduled", "in_progress"]),
                name="session_counselor_busy",
            ),
        ]

    def __str__(self):
        return f"#{self.pk}"


class SessionNote(models.Model):
    """A counselor's note on a session: a draft, then final and permanent.

    `save()` refuses to change a note that was already final when it was loaded, so even
    code that bypasses `sessions.services` cannot edit one silently.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        FINAL = "final", _("Final")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    session = models.ForeignKey(
        CounselingSession, on_delete=models.PROTECT, related_name="notes", verbose_name=_("sesi")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="session_notes",
        verbose_name=_("penulis"),
    )
    presenting_concern = CounseleeEncryptedTextField(
        _("masalah yang disampaikan"), blank=True, counselee_path="session__counselee"
    )
    what_was_done = CounseleeEncryptedTextField(
        _("yang dilakukan dalam sesi"), blank=True, counselee_path="session__counselee"
    )
    agreed_follow_up = CounseleeEncryptedTextField(
        _("tindak lanjut yang disepakati"), blank=True, counselee_path="session__counselee"
    )
    body = CounseleeEncryptedTextField(
        _("catatan"), blank=True, counselee_path="session__counselee"
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    finalised_at = models.DateTimeField(_("difinalkan"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("catatan sesi")
        verbose_name_plural = _("catatan sesi")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", finalised_at__isnull=True)
                | Q(status="final", finalised_at__isnull=False),
                name="note_final_iff_finalised_at",
            )
        ]
        indexes = [models.Index(fields=["session", "created_at"], name="note_session_created")]

    def __str__(self):
        return f"#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_loaded_status", None) == self.Status.FINAL:
            raise FinalisedNoteError("A finalised note cannot be changed; add an addendum.")
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise FinalisedNoteError("Session notes are kept; they cannot be deleted.")

    # Remember the status as loaded, so save() can tell an edit of a final note.
    @classmethod
    def from_db(cls, db, field_names, values):
        note = super().from_db(db, field_names, values)
        note._loaded_status = note.__dict__.get("status")
        return note

    @property
    def counselee(self):
        return self.session.counselee

    @property
    def is_final(self):
        return self.status == self.Status.FINAL


class NoteAddendum(models.Model):
    """A dated addition to a finalised note. Written once, never changed."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    note = models.ForeignKey(
        SessionNote, on_delete=models.PROTECT, related_name="addenda", verbose_name=_("catatan")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="note_addenda",
        verbose_name=_("penulis"),
    )
    body = CounseleeEncryptedTextField(_("adendum"), counselee_path="note__session__counselee")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("adendum catatan")
        verbose_name_plural = _("adendum catatan")
        indexes = [models.Index(fields=["note", "created_at"], name="addendum_note_created")]

    def __str__(self):
        return f"#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise FinalisedNoteError("An addendum cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise FinalisedNoteError("Addenda are kept; they cannot be deleted.")

    @property
    def counselee(self):
        return self.note.session.counselee
