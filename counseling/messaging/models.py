"""Online counseling (konseling daring): a conversation between a student and one counselor.

One conversation per pair (student, counselor). Who may read and write it follows the
case, decided in `counseling.policy.messaging`: the assigned counselor reads and writes;
once her assignment ends she reads what was written while she was on the case, and writes
nothing more; a student who ends counseling keeps every conversation, read-only. A
student without a counselor writes to the coordinator (an intake conversation).

Message bodies are encrypted field by field, like notes. A message never changes once
sent, except that its sender may retract it within a minute: the text is then erased and
the thread shows "pesan ditarik". There are no attachments.
"""

import datetime
import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.encryption import (
    CounseleeEncryptedTextField,
    EncryptedFieldsQuerySet,
)

# A sender may take a message back this long after sending it.
RETRACT_WINDOW = datetime.timedelta(minutes=1)


class ImmutableMessageError(Exception):
    """A sent message is never edited; only its retraction changes it."""


class Conversation(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    counselee = models.ForeignKey(
        "records.Counselee", on_delete=models.PROTECT, related_name="conversations"
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="conversations"
    )
    # Opened by a student without a counselor, with the coordinator, who assigns one.
    intake = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    # Raised by every send and every retraction: a poll compares it and nothing else, so
    # a poll with nothing new reads one integer and decrypts nothing.
    version = models.PositiveIntegerField(default=0)
    last_message_at = models.DateTimeField(null=True, blank=True)
    # Messages each side has not opened yet: counters kept by the services, so a
    # dashboard's unread count is one SUM, not a count over a million messages.
    unread_for_student = models.PositiveIntegerField(default=0)
    unread_for_counselor = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("percakapan daring")
        verbose_name_plural = _("percakapan daring")
        constraints = [
            models.UniqueConstraint(
                fields=["counselee", "counselor"], name="one_conversation_per_pair"
            )
        ]
        indexes = [models.Index(fields=["counselor", "last_message_at"])]

    def __str__(self) -> str:
        return f"#{self.pk}"


class Message(models.Model):
    class SenderSide(models.TextChoices):
        STUDENT = "student", _("siswa")
        COUNSELOR = "counselor", _("konselor")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="messages"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=16, choices=SenderSide.choices)
    body = CounseleeEncryptedTextField(
        _("pesan"), blank=True, counselee_path="conversation__counselee"
    )
    # Marked by the student as urgent: it raised the crisis pathway instead of waiting.
    urgent = models.BooleanField(default=False)
    sent_at = models.DateTimeField(default=timezone.now)
    retracted_at = models.DateTimeField(null=True, blank=True)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        verbose_name = _("pesan daring")
        verbose_name_plural = _("pesan daring")
        # The thread pages by primary key within its conversation.
        indexes = [models.Index(fields=["conversation", "id"])]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding and set(kwargs.get("update_fields") or ()) != {
            "body",
            "retracted_at",
        }:
            raise ImmutableMessageError("A sent message cannot be changed, only retracted.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableMessageError("A message is kept with the record; erasure is by key.")

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None

    @property
    def retractable_until(self) -> datetime.datetime:
        return self.sent_at + RETRACT_WINDOW


class MessageDraft(models.Model):
    """What someone is typing in a conversation, saved as she types (encrypted), so it
    survives a lost connection and the idle logout. Its author's alone; sending ends it."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="drafts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = CounseleeEncryptedTextField(blank=True, counselee_path="conversation__counselee")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = EncryptedFieldsQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "author"], name="one_draft_per_author")
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"
