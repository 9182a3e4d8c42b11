"""In production the PDF, the signed credential and the email are queued for `manage.py db_worker`."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from certificates.models import Certificate

from .factories import issued_certificate


# Committed for real: the worker closes and reopens connections between tasks, as in production.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_issuing_queues_the_work_for_the_worker_which_does_it(catalogue, signing_key_file, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

    certificate = issued_certificate(catalogue)

    certificate.refresh_from_db()
    assert not certificate.credential and not certificate.pdf and not mail.outbox  # nothing done in the request
    queued = DBTaskResult.objects.ready().filter(task_path__startswith="certificates.")
    # The credential first: its task queues the PDF, which carries the credential.
    assert sorted(queued.values_list("task_path", flat=True)) == [
        "certificates.tasks.certificate_credential_sign",
        "certificates.tasks.certificate_email_send",
    ]

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=io.StringIO())

    certificate = Certificate.objects.get(pk=certificate.pk)
    assert certificate.credential and certificate.pdf and certificate.status_list.credential
    assert certificate.pdf_carries_credential  # rendered after the signing, as the chain orders it
    assert [message.to for message in mail.outbox] == [[certificate.enrollment.user.email]]
    assert not DBTaskResult.objects.ready().exists()
