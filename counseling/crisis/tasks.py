"""The crisis pathway's beat task: thin, idempotent, ids and counts only."""

from celery import shared_task

from counseling.crisis import services


@shared_task
def crisis_tick() -> dict[str, int]:
    """Every minute: escalate requests nobody took, end lapsed crisis assignments, and
    tell counselors of consent still awaited 24 hours after a crisis session."""
    return services.tick()
