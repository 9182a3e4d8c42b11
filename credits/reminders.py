"""Reminders before a license expires while its board's renewal rule is still unmet.

Three steps, 90, 30 and 7 days before the expiration date. A license is reminded at the step it has
reached (the nearest step whose day has come), once per step and cycle: one first recorded 20 days
before it expires gets the 30-day reminder, and the 7-day one thirteen days later, never the 90-day one.

What a run costs: a fixed handful of queries (the licenses at a step not yet reminded, the boards'
rules, the site), then two per practitioner with such a license (their CE record and its categories,
read once for all their licenses) and one INSERT per reminder sent.
"""

import datetime
import logging
from itertools import groupby

from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Licence
from lms.models import base_url, default_provider
from lms.validators import one_line

from .models import RenewalReminder
from .selectors import Standing, credit_entries, engine_entries, record_categories, rule_versions, standing

logger = logging.getLogger(__name__)

STEPS = (90, 30, 7)


def renewal_reminders_send(*, today: datetime.date | None = None) -> int:
    """Emails each practitioner whose license has reached a step with its rule unmet; returns how many were sent.

    The reminder is recorded before it is sent, in the transaction that sends it: a second run at the same
    time stops at the unique constraint, and a send that fails leaves no record, so the next run tries again."""
    today = today or timezone.localdate()
    due = _due(today)
    if not due:
        return 0
    versions = rule_versions(boards={licence.board_id for licence, _ in due})
    context = {"dashboard_url": base_url() + reverse("courses:dashboard"), "provider": default_provider().name}
    sent = 0
    with get_connection() as connection:
        for _, group in groupby(due, key=lambda item: item[0].user_id):
            group = list(group)
            user = group[0][0].user
            entries = list(credit_entries(user=user))
            record = engine_entries(entries, record_categories(user=user))
            for licence, days_before in group:
                current = standing(licence, versions.get(licence.board_id, []), entries, record=record)
                if current.progress is None or current.progress.met:
                    continue
                sent += _send(current, days_before, today=today, context=context, connection=connection)
    return sent


def _due(today: datetime.date) -> list[tuple[Licence, int]]:
    """(license, step) of active practitioners' licenses at a step not yet reminded in this cycle, by user."""
    licences = (
        Licence.objects.filter(
            user__is_active=True, expires_on__range=(today, today + datetime.timedelta(days=max(STEPS)))
        )
        .select_related("board", "user")
        .prefetch_related(
            Prefetch("renewal_reminders", queryset=RenewalReminder.objects.filter(cycle_ends_on__gte=today))
        )
        .order_by("user_id", "expires_on", "pk")
    )
    due = []
    for licence in licences:
        # The nearest step whose day has come: a license between 30 and 8 days out is at the 30-day step.
        step = min(step for step in STEPS if step >= (licence.expires_on - today).days)
        reminded = {r.days_before for r in licence.renewal_reminders.all() if r.cycle_ends_on == licence.expires_on}
        if step not in reminded:
            due.append((licence, step))
    return due


def _send(current: Standing, days_before: int, *, today, context, connection) -> int:
    licence, progress = current.licence, current.progress
    message = EmailMessage(
        subject=one_line(
            f"Renewal reminder: your {licence.board.name} license {licence.number} expires on "
            f"{licence.expires_on:%B} {licence.expires_on.day}, {licence.expires_on.year}"
        ),
        body=render_to_string(
            "credits/email/renewal_reminder.txt",
            {
                **context,
                "licence": licence,
                "rule": current.rule,
                "progress": progress,
                "days_left": (licence.expires_on - today).days,
                "shortfalls": [str(shortfall) for shortfall in progress.shortfalls],
            },
        ),
        to=[licence.user.email],
        connection=connection,
    )
    try:
        with transaction.atomic():
            RenewalReminder.objects.create(licence=licence, cycle_ends_on=licence.expires_on, days_before=days_before)
            message.send()
    except IntegrityError:
        return 0  # another run recorded this step first, and sends it
    except OSError:  # smtplib's errors included
        # One address the mail server refuses must not hold back everyone else's reminder.
        logger.exception("Renewal reminder for license %s was not sent; the next run tries again", licence.pk)
        return 0
    return 1
