"""Every role against every messaging URL, on Siti's conversations.

Siti's conversation with Bu Rina (her counselor) and her old one with Bu Lama (whose
assignment ended) are asked for by everyone. Pak Terima and Bu Tanpa took her case over
from Bu Lama by referrals that did and did not share that old conversation. The answer
is "ok" (the page, or the change made) for the roles listed, 404 for every other
signed-in role (with nothing changed and the attempt logged), and the login page for
anonymous visitors.

Adding a role is one line in ROLES (and its fixture): it is then expected to get 404
everywhere until a row below names it.
"""

import pytest
from django.urls import reverse

from counseling.audit.models import AccessEvent
from counseling.messaging.models import Message, MessageDraft
from tests.conftest import login
from tests.policy.conftest import pak_eko  # noqa: F401

ROLES = [
    "anonymous",
    "siti",  # the student
    "dimas",  # another student
    "bu_rina",  # her counselor
    "bu_lama",  # her counselor until the admin ended it
    "pak_konflik",  # declared a conflict of interest with her
    "pak_eko",  # holds emergency access to her record: messages are not part of it
    "pak_budi",  # another counselor
    "pak_terima",  # on her case by a referral from Bu Lama that shared their conversation
    "bu_tanpa",  # on her case by a referral from Bu Lama that did not share it
    "admin",
    "bu_wati",  # a teacher of her class: expected 404 everywhere
]
STUDENTS_AND_COUNSELORS = {
    "siti",
    "pak_terima",
    "bu_tanpa",
    "dimas",
    "bu_rina",
    "bu_lama",
    "pak_konflik",
    "pak_eko",
    "pak_budi",
}


def _siti_message(ctx):
    return Message.objects.get(conversation=ctx["conversation"], sender=ctx["siti"])


# action -> (method, url, data, roles for which it is "ok", what "ok" changed)
ACTIONS = {
    "list": ("get", lambda c: reverse("conversations"), None, STUDENTS_AND_COUNSELORS, None),
    "start with her counselor": (
        "post",
        lambda c: reverse("conversation-start", args=["bu_rina"]),
        {},
        {"siti"},
        None,
    ),
    "open thread": (
        "get",
        lambda c: reverse("conversation", args=[c["conversation"].public_id]),
        None,
        {"siti", "bu_rina"},
        None,
    ),
    "open old thread": (
        "get",
        lambda c: reverse("conversation", args=[c["old"].public_id]),
        None,
        {"siti", "bu_lama", "pak_terima"},
        None,
    ),
    "poll": (
        "get",
        lambda c: reverse("conversation-poll", args=[c["conversation"].public_id]),
        None,
        {"siti", "bu_rina"},
        None,
    ),
    "send": (
        "post",
        lambda c: reverse("message-send", args=[c["conversation"].public_id]),
        {"body": "baris baru"},
        {"siti", "bu_rina"},
        lambda c: Message.objects.filter(body__isnull=False).count() == 4,
    ),
    "send in old thread": (
        "post",
        lambda c: reverse("message-send", args=[c["old"].public_id]),
        {"body": "baris baru"},
        set(),
        None,
    ),
    "save draft": (
        "post",
        lambda c: reverse("message-draft", args=[c["conversation"].public_id]),
        {"body": "sedang mengetik"},
        {"siti", "bu_rina"},
        lambda c: MessageDraft.objects.count() == 1,
    ),
    "retract her message": (
        "post",
        lambda c: reverse("message-retract", args=[_siti_message(c).public_id]),
        {},
        {"siti"},
        lambda c: _siti_message(c).retracted_at is not None,
    ),
}

CASES = [(action, role) for action in ACTIONS for role in ROLES]


@pytest.mark.django_db
@pytest.mark.parametrize(("action", "role"), CASES, ids=[f"{a}-{r}" for a, r in CASES])
def test_matrix(request, client, action, role, dimas, conversation, lama_conversation):
    people = {name: request.getfixturevalue(name) for name in ROLES if name != "anonymous"}
    ctx = {"conversation": conversation, "old": lama_conversation, **people}
    method, url, data, allowed, changed = ACTIONS[action]
    target = url(ctx)
    messages_before = Message.objects.count()
    if role != "anonymous":
        login(client, people[role])
    denials = AccessEvent.objects.filter(action="denied").count()
    response = getattr(client, method)(target, data) if data is not None else client.get(target)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        assert Message.objects.count() == messages_before
        return
    if role in allowed:
        assert response.status_code in (200, 204, 302), response.status_code
        if changed is not None:
            assert changed(ctx)
        return
    assert response.status_code == 404
    assert Message.objects.count() == messages_before
    assert not MessageDraft.objects.exists()
    assert _siti_message(ctx).retracted_at is None
    assert AccessEvent.objects.filter(action="denied").count() == denials + 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action", [name for name, (method, *_rest) in ACTIONS.items() if method == "post"]
)
def test_changes_refuse_a_get(client, action, siti_online, conversation, lama_conversation):
    ctx = {"conversation": conversation, "old": lama_conversation, "siti": siti_online}
    _method, url, _data, _allowed, _changed = ACTIONS[action]
    response = login(client, siti_online).get(url(ctx))
    assert response.status_code == 405
