"""Records kept for six years: what stops a deletion, and the refusal the admin shows instead of an error.

The rule is read from the foreign keys themselves: every record an audit needs (enrollments, lesson
progress, lesson posts, quiz attempts, certificates, evaluations) points at what it records with
PROTECT. A new kind of record protects itself by its `on_delete`; no list of models is kept in step.
"""

from functools import reduce
from operator import or_

from django.contrib import messages
from django.db import router, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.db.models.deletion import Collector
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_text_list
from wagtail.models import Page


def kept_records(objects) -> list[str]:
    """What would stop deleting `objects`, as the plural names of the kinds of record; empty if nothing would.

    Nothing is deleted: Django's collector walks the foreign keys as `delete()` would and stops at the
    protected ones. A page takes its whole subtree with it, as Wagtail deletes it."""
    batches: dict[type, list] = {}
    pages = []
    for obj in objects:
        if isinstance(obj, Page):
            pages.append(obj)
        else:
            batches.setdefault(obj._meta.concrete_model, []).append(obj)
    collections = list(batches.values())
    if pages:
        collections.append(Page.objects.filter(reduce(or_, (Q(path__startswith=page.path) for page in pages))))
    kinds = set()
    for collection in collections:
        model = collection[0]._meta.model if isinstance(collection, list) else collection.model
        try:
            Collector(using=router.db_for_write(model)).collect(collection)
        except ProtectedError as error:
            kinds.update(_kinds(error.protected_objects))
        except RestrictedError as error:
            kinds.update(_kinds(error.restricted_objects))
    return sorted(kinds)


def _kinds(records) -> set[str]:
    return {str(record._meta.verbose_name_plural) for record in records}


def refusal(*, name: str, kinds: list[str], holder: str = "it has", instead: str = "") -> str:
    message = (
        f"“{name}” cannot be deleted: {holder} {get_text_list(kinds, 'and')}, "
        "which must be kept as records for six years."
    )
    return f"{message} {instead}" if instead else message


class KeptRecordsMiddleware:
    """A deletion in the admin that the database refuses, and that no delete hook saw coming, is answered
    with a message and a way back, not a server error. The view's transaction has rolled back by then."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ProtectedError | RestrictedError):
            return None
        if not request.path_info.startswith(reverse("wagtailadmin_home")):
            return None
        records = exception.protected_objects if isinstance(exception, ProtectedError) else exception.restricted_objects
        messages.error(
            request,
            f"This cannot be deleted: {get_text_list(sorted(_kinds(records)), 'and')} refer to it, "
            "which must be kept as records for six years.",
        )
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("wagtailadmin_home")
        return redirect(back)


class DeletedWhollyOrNotAtAll:
    """For page types: Wagtail logs a deletion and lowers the parent's child count before the database
    refuses to drop a protected record, so a refused delete outside a transaction (a shell, a command)
    would leave a false log entry and a broken tree. In one transaction, the refusal undoes both."""

    def delete(self, *args, **kwargs):
        with transaction.atomic():
            return super().delete(*args, **kwargs)
