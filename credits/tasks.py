"""Work done outside a request: the daily renewal reminders, for a worker's scheduler."""

from django_tasks import task

from .reminders import renewal_reminders_send


@task()
def renewal_reminders_send_task() -> int:
    return renewal_reminders_send()
