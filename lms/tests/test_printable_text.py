"""Names, license numbers and titles that certificates print are one line of visible characters."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Licence
from accounts.tests.factories import UserFactory
from certificates.models import Certificate
from certificates.tasks import certificate_email_send
from certificates.tests.factories import issued_certificate
from courses.tests.factories import CourseApprovalFactory, CoursePageFactory
from credits.tests.factories import BoardFactory
from lms.validators import validate_printable_line

INVISIBLE = ["Anna\u202eNosredna", "Ann\u200ba Lee", "Anna\nLee", "Anna\tLee", "Anna\u00adLee", "Anna\u2028Lee"]


@pytest.mark.parametrize("text", INVISIBLE)
def test_control_and_format_characters_are_refused_and_named(text):
    with pytest.raises(ValidationError, match=r"invisible or control characters \(U\+"):
        validate_printable_line(text)


@given(st.text(alphabet=st.characters(categories=["L", "M", "N", "P", "S", "Zs"])))
def test_visible_text_in_any_script_passes(text):
    validate_printable_line(text)  # "Nguyễn Thị Minh", "O'Brien-Smith", "Łukasz Żółć" alike


def test_a_legal_name_with_a_right_to_left_override_is_refused_and_the_old_one_kept(client, home_page):
    user = UserFactory(legal_name="Anna Andersen")
    client.force_login(user)

    response = client.post(reverse("accounts:profile"), {"legal_name": "Anna \u202enesrednA"})

    assert response.status_code == 200 and "invisible or control characters (U+202E)" in response.text
    user.refresh_from_db()
    assert user.legal_name == "Anna Andersen"


def test_a_license_number_with_a_zero_width_space_is_refused(client, home_page):
    user = UserFactory()
    client.force_login(user)
    board = BoardFactory()

    response = client.post(
        reverse("accounts:licence_add"),
        {"board": board.pk, "number": "MA\u200b12345", "jurisdiction": "Florida", "expires_on": "2030-01-31"},
    )

    assert response.status_code == 200 and "U+200B" in response.text
    assert not Licence.objects.exists()


def test_a_course_title_or_an_approved_title_on_two_lines_is_refused(catalogue):
    course = CoursePageFactory(parent=catalogue)
    course.title = "Lymphatic Drainage\nafter Surgery"
    with pytest.raises(ValidationError) as refused:
        course.full_clean()
    assert "title" in refused.value.message_dict

    approval = CourseApprovalFactory(course=CoursePageFactory(parent=catalogue), approved_title="Ethics\r\nPart 2")
    with pytest.raises(ValidationError) as refused:
        approval.full_clean()
    assert "approved_title" in refused.value.message_dict


@pytest.mark.django_db
def test_a_certificate_email_subject_is_one_line_whatever_the_title_held(catalogue):
    certificate = issued_certificate(catalogue)
    snapshot = certificate.snapshot
    snapshot["course"]["title"] = "Ethics\nand Scope"  # printed before titles were held to one line
    Certificate.objects.filter(pk=certificate.pk).update(snapshot=snapshot)
    mail.outbox.clear()

    certificate_email_send.call(certificate.pk)

    assert mail.outbox[-1].subject == "Your certificate: Ethics and Scope"
