"""Hourly: delete the sealed files of every copy whose download time has passed.

A download is refused at `expires_at` already; this keeps the files from outliving
it by more than an hour. Safe to run twice: a purged copy is gone.
"""

from celery import shared_task

from counseling.rights import copies


@shared_task(name="counseling.rights.copy_tasks.purge_expired_copies")
def purge_expired_copies() -> int:
    return copies.purge_expired()
