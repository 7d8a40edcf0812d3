"""Her copy (UU PDP art. 7, 32, 33): reviewed by her counselor, released, downloaded once.

The reviewer is `policy.reviewers_of(counselee)`. To review, she reads every final note of
the counselee, earlier counselors' included (`policy.copy_review_notes_for` says why);
each note the review page shows is written to the access log with the purpose "data
protection", naming the counselee, so it appears on the student's own access page.

At release the copy is built once, from what exists then (nothing written after the
review slips in unreviewed), and kept only sealed under the student's own data key
(`SealedCopy`) until she downloads it or it expires. She downloads each format once,
through a link that works only for her, signed in; the download is a conditional
update, so a double click gives one file and one "already used".
"""

import base64
import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from counseling import notices, policy
from counseling.accounts.models import User
from counseling.audit import log
from counseling.notices.models import Notice
from counseling.rights import copy_json, copy_pdf
from counseling.rights.copy_content import Redactor, collect, redactor_for
from counseling.rights.models import CopyLink, DataRequest, SealedCopy, WithheldNote
from counseling.rights.services import lock_request, step
from sessions.models import NoteAddendum, SessionNote

Format = CopyLink.Format
Reason = WithheldNote.Reason


class LinkUsed(Exception):
    """The link was followed before, or its format of the copy was already downloaded."""

    def __init__(self, used_at: datetime.datetime | None):
        self.used_at = used_at


class LinkExpired(Exception):
    """The copy waited longer than AMANAH_COPY_LINK_HOURS and its files are gone."""


def lifetime() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.AMANAH_COPY_LINK_HOURS)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def notes_for_review(data_request: DataRequest, *, by: User) -> list[SessionNote]:
    """The final notes the reviewer reads (with their addenda), each recorded in the
    access log as shown."""
    notes = list(policy.copy_review_notes_for(by, data_request).prefetch_related("addenda__author"))
    with transaction.atomic():
        for note in notes:
            log.record(
                log.Action.VIEW,
                actor=by,
                obj=note,
                counselee=data_request.counselee,
                purpose=log.Purpose.DATA_PROTECTION,
            )
    return notes


def fingerprint(notes: list[SessionNote]) -> str:
    """What the reviewer saw: each final note and its addenda, as one hash. The release
    posts it back, so that a note finalised or an addendum written since is not released
    unseen."""
    addenda = NoteAddendum.objects.filter(note__in=notes).values_list("public_id", flat=True)
    seen = sorted(str(note.public_id) for note in notes)
    seen += sorted(str(public_id) for public_id in addenda)
    return hashlib.sha256("|".join(seen).encode()).hexdigest()


def _withheld_by_pk(
    data_request: DataRequest, withheld: dict[str, str], by: User
) -> dict[int, str]:
    """{note pk: reason} for the reviewer's choices ({note public id: reason})."""
    notes = {
        str(note.public_id): note
        for note in policy.copy_review_notes_for(by, data_request).defer(
            "presenting_concern", "what_was_done", "agreed_follow_up", "body"
        )
    }
    chosen = {}
    for public_id, reason in withheld.items():
        if not reason:
            continue
        if public_id not in notes or reason not in Reason.values:
            raise ValidationError(_("Pilih alasan dari daftar untuk setiap catatan yang ditahan."))
        chosen[notes[public_id].pk] = reason
    return chosen


@dataclass(frozen=True)
class Preview:
    sessions: int
    notes_released: int
    notes_withheld: int
    bookings: int
    messages: int
    disclosures: int
    access_log: int
    redactions: int


def _counts(content: dict[str, Any], redactor: Redactor) -> Preview:
    sections = content["sections"]
    return Preview(
        sessions=len(sections["sessions"]),
        notes_released=sum(len(s["notes"]) for s in sections["sessions"]),
        notes_withheld=len(sections["withheld_notes"]),
        bookings=len(sections["bookings"]),
        messages=len(sections["messages"]),
        disclosures=len(sections["disclosures"]),
        access_log=len(sections["access_log"]),
        redactions=redactor.count,
    )


def _build(
    data_request: DataRequest, withheld: dict[int, str], phrases: list[str], by: User
) -> tuple[dict[str, Any], Redactor]:
    redactor = redactor_for(data_request.counselee, phrases)
    # The copy speaks Indonesian, the school's language, whoever releases it.
    with translation.override(settings.LANGUAGE_CODE):
        return collect(data_request, withheld, redactor, by=by), redactor


def preview(
    data_request: DataRequest, *, by: User, withheld: dict[str, str], phrases: list[str]
) -> Preview:
    """What the copy would hold, in counts, with these choices; nothing is saved."""
    policy.require(policy.may_review_copy(by, data_request), data_request)
    content, redactor = _build(
        data_request, _withheld_by_pk(data_request, withheld, by), phrases, by
    )
    return _counts(content, redactor)


@transaction.atomic
def release(
    data_request: DataRequest,
    *,
    by: User,
    withheld: dict[str, str],
    phrases: list[str],
    reviewed: str,
) -> SealedCopy:
    """The reviewer releases her copy: built now, sealed under her key, the request done.

    `withheld` maps a final note's public id to a `WithheldNote.Reason` (empty: release
    it); `phrases` are extra words to redact, used for this build and not stored;
    `reviewed` is the `fingerprint` of the notes the review page showed.
    """
    data_request = lock_request(data_request)
    counselee = data_request.counselee
    policy.require(policy.may_review_copy(by, data_request), data_request, counselee=counselee)
    if reviewed != fingerprint(list(policy.copy_review_notes_for(by, data_request))):
        raise ValidationError(
            _(
                "Ada catatan atau tambahan catatan baru sejak halaman ini dibuka. Tinjau "
                "lagi catatan di bawah, lalu rilis."
            )
        )
    chosen = _withheld_by_pk(data_request, withheld, by)
    now = timezone.now()
    WithheldNote.objects.bulk_create(
        WithheldNote(request=data_request, note_id=pk, reason=reason, by=by, at=now)
        for pk, reason in chosen.items()
    )
    content, _redactor = _build(data_request, chosen, phrases, by)
    with translation.override(settings.LANGUAGE_CODE):
        pdf = copy_pdf.render(content)
    sealed = SealedCopy.objects.create(
        request=data_request,
        counselee=counselee,
        pdf=base64.b64encode(pdf).decode("ascii"),
        json=copy_json.render(content),
        has_pdf=True,
        has_json=True,
        built_at=now,
        expires_at=now + lifetime(),
    )
    data_request.reviewed_by = by
    data_request.reviewed_at = now
    data_request.decided_by = by
    data_request.decided_at = now
    data_request.status = DataRequest.Status.DONE
    data_request.save(
        update_fields=["reviewed_by", "reviewed_at", "decided_by", "decided_at", "status"]
    )
    step(data_request, "released", by=by)
    log.record(
        log.Action.COPY_REVIEWED,
        actor=by,
        obj=data_request,
        counselee=counselee,
        purpose=log.Purpose.DATA_PROTECTION,
    )
    notices.notify_all([counselee.user], Notice.Kind.COPY_READY, about=data_request)
    return sealed


def waiting_copy(data_request: DataRequest) -> SealedCopy | None:
    """Her copy's row while some format still waits for her, without decrypting it."""
    return (
        SealedCopy.objects.filter(request=data_request, expires_at__gt=timezone.now())
        .filter(Q(has_pdf=True) | Q(has_json=True))
        .defer("pdf", "json")
        .first()
    )


@transaction.atomic
def issue_link(data_request: DataRequest, *, by: User, format: str) -> str:
    """A fresh one-time link to one format of her copy; returns the token, shown once."""
    data_request = lock_request(data_request)
    policy.require(policy.may_download_copy(by, data_request), data_request)
    copy = waiting_copy(data_request)
    if format not in Format.values or copy is None or not copy.has(format):
        raise ValidationError(
            _(
                "Salinan ini sudah diunduh atau sudah kedaluwarsa. Ajukan permintaan "
                "salinan baru di halaman Data saya."
            )
        )
    token = secrets.token_urlsafe(32)
    CopyLink.objects.create(
        request=data_request,
        format=format,
        token_hash=token_hash(token),
        expires_at=copy.expires_at,
    )
    return token


@dataclass(frozen=True)
class Download:
    filename: str
    content_type: str
    content: bytes


def download(token: str, *, by: User) -> Download:
    """Her file, once: the link is claimed by a conditional update, then the file is
    emptied from storage. Raises `LinkUsed` or `LinkExpired`; 404 for anyone else."""
    link = policy.copy_link_for(by, token_hash(token))
    outcome: Download | Exception
    with transaction.atomic():
        data_request = lock_request(link.request)
        policy.require(policy.may_download_copy(by, data_request), data_request)
        link.refresh_from_db()
        now = timezone.now()
        if link.used_at is not None:
            outcome = LinkUsed(link.used_at)
        elif link.expires_at <= now:
            outcome = LinkExpired()
        elif not CopyLink.objects.filter(pk=link.pk, used_at__isnull=True).update(used_at=now):
            outcome = LinkUsed(now)
        else:
            flag = "has_pdf" if link.format == Format.PDF else "has_json"
            mine = SealedCopy.objects.filter(
                request=data_request, expires_at__gt=now, **{flag: True}
            )
            # Another link to the same format may have been followed first.
            outcome = (
                _take(data_request, link, by) if mine.update(**{flag: False}) else LinkUsed(now)
            )
    if isinstance(outcome, Exception):
        raise outcome
    return outcome


def _take(data_request: DataRequest, link: CopyLink, by: User) -> Download:
    field = "pdf" if link.format == Format.PDF else "json"
    copy = SealedCopy.objects.defer("json" if field == "pdf" else "pdf").get(request=data_request)
    stored = getattr(copy, field)
    if copy.has_pdf or copy.has_json:
        setattr(copy, field, "")
        copy.save(update_fields=[field])
    else:
        copy.delete()  # both files are with her now: nothing of the copy stays here
    step(data_request, f"downloaded_{field}", by=by)
    log.record(
        log.Action.COPY_DOWNLOADED,
        actor=by,
        obj=data_request,
        counselee=data_request.counselee,
        purpose=log.Purpose.OWN,
    )
    day = timezone.localdate().isoformat()
    if field == "pdf":
        return Download(f"salinan-data-{day}.pdf", "application/pdf", base64.b64decode(stored))
    return Download(f"salinan-data-{day}.json", "application/json", stored.encode())


def purge_expired() -> int:
    """Delete the files of every copy whose time has passed; returns how many."""
    expired = SealedCopy.objects.filter(expires_at__lte=timezone.now())
    # Deleting the row takes both sealed files with it; her page then reads the
    # copy's state from its links and the request's history.
    return expired.delete()[0]
