"""Records an audit needs for six years stay: the admin refuses to delete what holds them, and so does the database."""

from urllib.parse import urlencode

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.models import Page, PageLogEntry

from accounts.models import Licence
from accounts.tests.factories import LicenceFactory, UserFactory
from certificates.models import Certificate
from certificates.tests.factories import issued_certificate
from courses.models import Enrollment, LessonPage, LessonPost, LessonProgress
from quizzes.models import QuizAttempt, QuizPage
from quizzes.services import attempt_start
from quizzes.tests.factories import QuizPageFactory

from .factories import CoursePageFactory, EnrollmentFactory, LessonPageFactory

User = get_user_model()


@pytest.fixture
def admin_client(client, catalogue):
    """A superuser in the editor, second factor set up as the editor requires."""
    client.force_login(UserFactory(email="admin@example.com", is_superuser=True))
    return client


@pytest.fixture
def course(catalogue):
    return CoursePageFactory(parent=catalogue, title="Myofascial Release of the Low Back")


def studied_lesson(course, **fields):
    lesson = LessonPageFactory(parent=course, title="The thoracolumbar fascia", **fields)
    LessonProgress.objects.create(enrollment=EnrollmentFactory(course=course), lesson=lesson, study_seconds=600)
    return lesson


def sat_quiz(course):
    quiz = QuizPageFactory(parent=course, title="Final assessment")
    attempt_start(quiz=quiz, user=EnrollmentFactory(course=course).user)
    return quiz


def delete_page(client, page):
    return client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]), follow=True)


def bulk_delete_url(model, objects, **params):
    query = urlencode({"id": [obj.pk for obj in objects], **params}, doseq=True)
    return reverse("wagtail_bulk_action", args=(model._meta.app_label, model._meta.model_name, "delete")) + "?" + query


def test_a_lesson_someone_studied_is_not_deleted_and_its_progress_stays(admin_client, course):
    lesson = studied_lesson(course)

    confirmation = admin_client.get(reverse("wagtailadmin_pages:delete", args=[lesson.pk]), follow=True)
    response = delete_page(admin_client, lesson)

    refusal = (
        "“The thoracolumbar fascia” cannot be deleted: it has lesson progress, which must be kept as records "
        "for six years. Unpublish it instead."
    )
    assert refusal in confirmation.text  # refused before anyone is asked to confirm
    assert response.status_code == 200 and refusal in response.text
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_explore", args=[course.pk])
    assert LessonPage.objects.filter(pk=lesson.pk).exists()
    assert LessonProgress.objects.filter(lesson=lesson, study_seconds=600).exists()


def test_a_lesson_with_questions_under_it_is_not_deleted(admin_client, course):
    lesson = LessonPageFactory(parent=course, title="Contraindications")
    question = LessonPost.objects.create(lesson=lesson, author=UserFactory(), body_html="<p>And varicose veins?</p>")
    LessonPost.objects.create(lesson=lesson, author=UserFactory(), question=question, body_html="<p>Avoid them.</p>")

    response = delete_page(admin_client, lesson)

    assert "“Contraindications” cannot be deleted: it has lesson posts, which must be kept" in response.text
    assert LessonPost.objects.filter(lesson=lesson).count() == 2


def test_a_quiz_someone_sat_is_not_deleted(admin_client, course):
    quiz = sat_quiz(course)

    response = delete_page(admin_client, quiz)

    assert "“Final assessment” cannot be deleted: it has quiz attempts, which must be kept" in response.text
    assert QuizPage.objects.filter(pk=quiz.pk).exists() and QuizAttempt.objects.filter(quiz=quiz).exists()


def test_a_course_or_the_catalog_above_records_is_not_deleted_and_the_refusal_names_every_kind(
    admin_client, catalogue, course
):
    studied_lesson(course)
    sat_quiz(course)
    pages_before = Page.objects.count()

    for page in (course, catalogue):
        response = delete_page(admin_client, page)

        assert (
            f"“{page.title}” cannot be deleted: it or a page under it has enrollments, lesson progress and quiz "
            "attempts, which must be kept as records for six years. Unpublish it instead."
        ) in response.text
    assert Page.objects.count() == pages_before
    assert Enrollment.objects.filter(course=course).count() == 2


def test_pages_without_records_are_deleted_even_in_a_course_people_study(admin_client, course):
    studied_lesson(course)
    draft = LessonPageFactory(parent=course, title="A lesson nobody has opened")
    unsat = QuizPageFactory(parent=course, title="A practice quiz nobody has sat")

    for page in (draft, unsat):
        response = delete_page(admin_client, page)

        assert f"Page &#x27;{page.title}&#x27; deleted." in response.text
    assert not Page.objects.filter(pk__in=[draft.pk, unsat.pk]).exists()


def test_bulk_deletion_in_the_page_listing_deletes_nothing_if_any_page_has_records(admin_client, course):
    studied = studied_lesson(course)
    draft = LessonPageFactory(parent=course, title="A lesson nobody has opened")
    listing = reverse("wagtailadmin_explore", args=[course.pk])

    response = admin_client.post(bulk_delete_url(Page, [studied, draft], next=listing), follow=True)

    assert response.redirect_chain[-1][0] == listing
    assert "“The thoracolumbar fascia” cannot be deleted: it has lesson progress" in response.text
    assert "been deleted" not in response.text
    assert LessonPage.objects.filter(pk__in=[studied.pk, draft.pk]).count() == 2

    admin_client.post(bulk_delete_url(Page, [draft], next=listing))

    assert not LessonPage.objects.filter(pk=draft.pk).exists()


def test_a_practitioner_with_records_is_not_deleted_alone_or_in_bulk(admin_client, catalogue):
    certificate = issued_certificate(catalogue, legal_name="Rosa Delgado")
    holder = certificate.enrollment.user
    refusal = (
        "“Rosa Delgado” cannot be deleted: the account has CE record entries and enrollments, which must be kept "
        "as records for six years. Deactivate the account instead."
    )

    alone = admin_client.post(reverse("wagtailusers_users:delete", args=[holder.pk]), follow=True)
    in_bulk = admin_client.post(bulk_delete_url(User, [holder]), follow=True)

    assert refusal in alone.text and refusal in in_bulk.text
    assert User.objects.filter(pk=holder.pk).exists() and Certificate.objects.filter(pk=certificate.pk).exists()


def test_staff_who_revoked_a_certificate_or_hid_a_post_are_not_deleted(admin_client, catalogue, course):
    reviewer = UserFactory(legal_name="Dana Reviewer")
    certificate = issued_certificate(catalogue)
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=timezone.now(), revocation_reason="Issued in error", revoked_by=reviewer
    )
    moderator = UserFactory(legal_name="Sam Moderator")
    LessonPost.objects.create(
        lesson=LessonPageFactory(parent=course),
        author=UserFactory(),
        body_html="<p>Off topic</p>",
        hidden_at=timezone.now(),
        hidden_by=moderator,
    )

    revoker = admin_client.post(reverse("wagtailusers_users:delete", args=[reviewer.pk]), follow=True)
    hider = admin_client.post(reverse("wagtailusers_users:delete", args=[moderator.pk]), follow=True)

    assert "“Dana Reviewer” cannot be deleted: the account has certificates, which must be kept" in revoker.text
    assert "“Sam Moderator” cannot be deleted: the account has lesson posts, which must be kept" in hider.text
    assert User.objects.filter(pk__in=[reviewer.pk, moderator.pk]).count() == 2


def test_someone_without_records_is_deleted(admin_client):
    newcomer = UserFactory(email="newcomer@example.com")

    admin_client.post(reverse("wagtailusers_users:delete", args=[newcomer.pk]))

    assert not User.objects.filter(pk=newcomer.pk).exists()


def test_a_board_a_license_names_is_not_deleted(admin_client):
    licence = LicenceFactory()
    board = licence.board

    response = admin_client.post(reverse("wagtailsnippets_credits_board:delete", args=[board.pk]), follow=True)

    assert (
        f"“{board}” cannot be deleted: it has {Licence._meta.verbose_name_plural}, which must be kept" in response.text
    )
    assert type(board).objects.filter(pk=board.pk).exists()


def test_a_protected_deletion_no_hook_foresaw_is_refused_with_a_message_not_an_error(admin_client, course, monkeypatch):
    """As when a page is deleted some other way: the database refuses, the admin says why."""
    lesson = studied_lesson(course)
    get_hooks = hooks.get_hooks
    monkeypatch.setattr(
        hooks,
        "get_hooks",
        lambda name: [] if name == "before_delete_page" else get_hooks(name),
    )
    delete_url = reverse("wagtailadmin_pages:delete", args=[lesson.pk])

    response = admin_client.post(delete_url, HTTP_REFERER=f"http://testserver{delete_url}")

    assert response.status_code == 302 and response.url == f"http://testserver{delete_url}"
    shown = admin_client.get(reverse("wagtailadmin_home")).text
    assert "This cannot be deleted: lesson progress refer to it, which must be kept as records" in shown
    assert LessonPage.objects.filter(pk=lesson.pk).exists()
    # Nothing of the half-done deletion is left: no log entry, the tree's child count unchanged.
    assert not PageLogEntry.objects.filter(page_id=lesson.pk, action="wagtail.delete").exists()
    assert Page.objects.get(pk=course.pk).numchild == 1


def test_the_database_refuses_to_delete_what_records_point_at(catalogue):
    certificate = issued_certificate(catalogue)
    enrollment = certificate.enrollment
    course = enrollment.course.specific
    lesson = LessonPage.objects.child_of(course).first()
    quiz = QuizPageFactory(parent=course)
    attempt_start(quiz=quiz, user=EnrollmentFactory(course=course).user)
    question = LessonPost.objects.create(lesson=lesson, author=UserFactory(), body_html="<p>Why?</p>")
    LessonPost.objects.create(lesson=lesson, author=UserFactory(), question=question, body_html="<p>Because.</p>")
    counts = (LessonProgress.objects.count(), LessonPost.objects.count(), QuizAttempt.objects.count())

    for record_holder in (lesson, quiz, course, catalogue, enrollment, enrollment.user, question):
        # In a transaction, as the admin deletes: treebeard lowers the parent's child count and Wagtail
        # logs the deletion before the database refuses, and only a rollback undoes that.
        with pytest.raises(ProtectedError), transaction.atomic():
            record_holder.delete()

    assert (LessonProgress.objects.count(), LessonPost.objects.count(), QuizAttempt.objects.count()) == counts
    assert Certificate.objects.filter(pk=certificate.pk, enrollment=enrollment).exists()
    assert LessonPage.objects.filter(pk=lesson.pk).exists() and QuizPage.objects.filter(pk=quiz.pk).exists()
    assert Page.objects.get(pk=catalogue.pk).numchild == 1 and Page.objects.get(pk=course.pk).numchild == 4


def test_a_refused_page_deletion_outside_a_transaction_leaves_the_tree_and_the_log_as_they_were(catalogue):
    course = EnrollmentFactory(course=CoursePageFactory(parent=catalogue)).course
    lesson = LessonPageFactory(parent=course)
    LessonProgress.objects.create(enrollment=Enrollment.objects.get(course=course), lesson=lesson)

    for page in (lesson, course):  # as a shell or a management command would, with no transaction of its own
        with pytest.raises(ProtectedError):
            page.delete()

    assert Page.objects.get(pk=catalogue.pk).numchild == 1 and Page.objects.get(pk=course.pk).numchild == 1
    assert not PageLogEntry.objects.filter(action="wagtail.delete").exists()
