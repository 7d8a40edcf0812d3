"""The guardian gate, as the session service asks it before a regular session starts.

The decision is the policy's (`policy.gate_state`); this module turns a closed gate into
the error the counselor reads: why the session cannot start, and what to do.
"""

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from counseling import policy
from counseling.policy.guardians import GateState

if TYPE_CHECKING:
    from sessions.models import CounselingSession


class GuardianGateClosed(ValidationError):
    """A minor's regular session waits for her guardian's consent or an exemption."""


def session_is_crisis(session: "CounselingSession") -> bool:
    """Whether `session` was opened by the crisis pathway, which the gate always lets
    through (seed 004 (e): serve anyone in an emergency)."""
    return policy.is_crisis_session(session)


def what_to_do(state: GateState) -> str:
    """Why a closed gate is closed and what the counselor can do; empty when open."""
    messages = {
        GateState.NO_GUARDIAN: _(
            'Sekolah memilih dasar "persetujuan wali wajib", dan siswa ini masih di bawah 18 '
            "tahun (atau tanggal lahirnya belum diisi). Belum ada data wali: tambahkan wali di "
            "halaman Wali siswa, lalu kirim tautan persetujuan atau minta admin mencatat "
            "formulir kertas. Bila memberi tahu wali dapat membahayakan siswa, catat "
            "pengecualian."
        ),
        GateState.LINK_PENDING: _(
            "Siswa ini masih di bawah 18 tahun dan persetujuan wali wajib. Tautan persetujuan "
            "sudah dikirim kepada wali dan belum dipakai. Sesi dapat dimulai setelah wali "
            "menyetujui, atau admin mencatat formulir kertas yang ditandatangani."
        ),
        GateState.AWAITING_CONSENT: _(
            "Siswa ini masih di bawah 18 tahun dan persetujuan wali wajib. Kirim tautan "
            "persetujuan kepada wali di halaman Wali siswa, atau minta admin mencatat "
            "formulir kertas yang ditandatangani."
        ),
        GateState.EXEMPTION_PENDING: _(
            "Pengecualian wali untuk siswa ini menunggu persetujuan koordinator BK atau admin. "
            "Sesi biasa dapat dimulai setelah disetujui."
        ),
        GateState.WITHDRAWN: _(
            "Wali siswa ini menarik persetujuannya. Catatan tetap disimpan; sesi biasa yang "
            "baru tidak dapat dimulai. Jalur krisis tetap terbuka."
        ),
    }
    return str(messages.get(state, ""))


def require_guardian_basis(session: "CounselingSession", *, crisis: bool | None = None) -> None:
    """Raise `GuardianGateClosed` unless the guardian gate lets `session` start.

    `crisis` says whether it is a crisis session; when not given, `session_is_crisis`
    decides. A crisis session always passes.
    """
    if crisis is None:
        crisis = session_is_crisis(session)
    state = policy.gate_state(session.counselee, crisis=crisis)
    if state not in policy.GUARDIAN_GATE_OPEN_STATES:
        raise GuardianGateClosed(what_to_do(state), code=str(state))
