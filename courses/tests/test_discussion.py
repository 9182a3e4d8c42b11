"""Questions under a lesson: enrolled practitioners ask, the course's instructors answer, reviewers hide."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from accounts.tests.factories import UserFactory
from courses.models import CourseEvaluation, LessonPost, LessonProgress
from courses.sanitize import post_html, sanitize_html
from courses.services import REVIEWERS, authoring_roles_setup

from .factories import CoursePageFactory, EnrollmentFactory, InstructorFactory, LessonPageFactory

# Well-known payloads (OWASP XSS filter evasion cheat sheet and friends).
XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<body onload=alert(1)>",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<div onmouseover="alert(1)">hover</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '"><script>alert(1)</script>',
    '<object data="javascript:alert(1)"></object>',
    "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>",
    '<a href="https://example.com" onclick="alert(1)" style="color:red">safe link</a>',
]


def assert_harmless(html: str):
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        assert element.name not in {"script", "iframe", "object", "embed", "style", "svg", "math", "img", "input"}
        for attribute, value in element.attrs.items():
            assert not attribute.startswith("on"), element
            assert attribute != "style", element
            if attribute in {"href", "src", "data", "action"}:
                assert not str(value).strip().lower().startswith(("javascript:", "data:", "vbscript:")), element


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_post_html_keeps_nothing_that_can_run(payload):
    cleaned = post_html(payload)

    assert_harmless(cleaned)
    assert sanitize_html(cleaned) == cleaned


def test_post_html_keeps_the_allowed_formatting_and_safe_links():
    html = post_html(
        '<p><strong>Cupping</strong> and <em>MLD</em>:</p><ul><li>see <a href="https://ncbtmb.org">NCBTMB</a></li></ul>'
    )

    assert html == (
        "<p><strong>Cupping</strong> and <em>MLD</em>:</p><ul><li>see "
        '<a href="https://ncbtmb.org" rel="nofollow noopener noreferrer">NCBTMB</a></li></ul>'
    )


@pytest.fixture
def lesson_with_people(catalogue):
    teacher = UserFactory(first_name="Elena", last_name="Marsh")
    course = CoursePageFactory(parent=catalogue)
    course.instructors.add(InstructorFactory(name="Elena Marsh", user=teacher))
    course.save()
    lesson = LessonPageFactory(parent=course, title="Post-operative protocols")
    student = EnrollmentFactory(course=course, user__first_name="Minh", user__last_name="Nguyen").user
    return {"lesson": lesson, "course": course, "teacher": teacher, "student": student}


def ask(client, lesson, text):
    return client.post(reverse("courses:ask_question", args=[lesson.pk]), {"text": text})


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_in_a_question_never_reaches_the_lesson_page(client, lesson_with_people, payload):
    client.force_login(lesson_with_people["student"])

    ask(client, lesson_with_people["lesson"], f"Is this safe? {payload}")

    page = client.get(lesson_with_people["lesson"].url)
    posted = BeautifulSoup(page.content, "html.parser").select("#questions .post__body")
    assert len(posted) == 1
    assert_harmless(str(posted[0]))


def test_an_enrolled_practitioner_asks_and_an_instructor_answers(client, lesson_with_people):
    lesson = lesson_with_people["lesson"]
    client.force_login(lesson_with_people["student"])
    response = ask(client, lesson, "Can MLD follow a knee replacement in week one?")
    assert response.url == f"{lesson.url}#questions"

    question = LessonPost.objects.get()
    client.force_login(lesson_with_people["teacher"])
    client.post(reverse("courses:answer_question", args=[question.pk]), {"text": "Only with the surgeon's clearance."})

    posts = BeautifulSoup(client.get(lesson.url).content, "html.parser").select_one("#questions .post")
    text = posts.get_text(" ", strip=True)
    assert "Minh N. asked on" in text
    assert "Can MLD follow a knee replacement in week one?" in text
    assert "Elena M. Instructor answered on" in text
    assert "Only with the surgeon's clearance." in text
    assert "@example.com" not in text  # email addresses are never shown


def test_an_empty_question_re_renders_the_lesson_with_a_message_and_saves_nothing(client, lesson_with_people):
    client.force_login(lesson_with_people["student"])

    response = ask(client, lesson_with_people["lesson"], "<b> </b>")

    assert response.status_code == 400
    form = BeautifulSoup(response.content, "html.parser").select_one("#questions form")
    assert "Write your question or answer before posting it." in form.get_text()
    assert not LessonPost.objects.exists()


def test_only_enrolled_practitioners_ask_and_only_the_courses_instructors_answer(client, lesson_with_people):
    lesson = lesson_with_people["lesson"]
    outsider = UserFactory(verified_email=True)
    client.force_login(outsider)
    assert ask(client, lesson, "Let me in?").url == lesson.url
    assert not LessonPost.objects.exists()

    question = LessonPost.objects.create(lesson=lesson, author=lesson_with_people["student"], body_html="<p>Q</p>")
    teacher_elsewhere = UserFactory(first_name="Other", last_name="Teacher")
    elsewhere = CoursePageFactory(parent=lesson_with_people["course"].get_parent())
    elsewhere.instructors.add(InstructorFactory(user=teacher_elsewhere))
    elsewhere.save()
    for someone in [outsider, lesson_with_people["student"], teacher_elsewhere]:
        client.force_login(someone)
        client.post(reverse("courses:answer_question", args=[question.pk]), {"text": "My answer"})
    assert LessonPost.objects.filter(question=question).count() == 0


def test_a_reviewer_hides_a_post_with_a_reason_and_the_record_stays(client, catalogue, lesson_with_people):
    authoring_roles_setup(catalogue=catalogue)
    reviewer = UserFactory(groups=[REVIEWERS])
    lesson = lesson_with_people["lesson"]
    question = LessonPost.objects.create(lesson=lesson, author=lesson_with_people["student"], body_html="<p>Spam</p>")

    client.force_login(lesson_with_people["student"])
    client.post(reverse("courses:hide_post", args=[question.pk]), {"reason": "I changed my mind"})
    assert LessonPost.objects.get().hidden_at is None

    client.force_login(reviewer)
    client.post(reverse("courses:hide_post", args=[question.pk]), {"reason": "Advertising"})

    question.refresh_from_db()
    assert question.hidden_by == reviewer and question.hidden_reason == "Advertising"
    client.force_login(lesson_with_people["student"])
    assert "Spam" not in client.get(lesson.url).text


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_in_an_evaluation_comment_is_stored_as_plain_text(client, lesson_with_people, payload):
    enrollment = lesson_with_people["student"].enrollments.get()
    LessonProgress.objects.create(
        enrollment=enrollment, lesson=lesson_with_people["lesson"], completed_at="2026-11-20T10:00Z"
    )
    client.force_login(lesson_with_people["student"])
    answers = {"objectives_met": 4, "content_accurate": 4, "instructor_clear": 4, "useful_in_practice": 4}

    client.post(reverse("certificates:evaluate", args=[enrollment.course.pk]), {**answers, "comments": payload})

    comments = CourseEvaluation.objects.get().comments
    assert "<" not in comments or BeautifulSoup(comments, "html.parser").find() is None
    assert_harmless(comments)


def test_a_reviewer_without_two_factor_cannot_hide_posts(client, catalogue, lesson_with_people):
    authoring_roles_setup(catalogue=catalogue)
    question = LessonPost.objects.create(
        lesson=lesson_with_people["lesson"], author=lesson_with_people["student"], body_html="<p>Q</p>"
    )
    client.force_login(UserFactory(groups=[REVIEWERS], totp=False))

    client.post(reverse("courses:hide_post", args=[question.pk]), {"reason": "Advertising"})

    assert LessonPost.objects.get().hidden_at is None


def test_a_hide_reason_with_a_nul_character_is_refused_cleanly(client, catalogue, lesson_with_people):
    authoring_roles_setup(catalogue=catalogue)
    question = LessonPost.objects.create(
        lesson=lesson_with_people["lesson"], author=lesson_with_people["student"], body_html="<p>Q</p>"
    )
    client.force_login(UserFactory(groups=[REVIEWERS]))

    response = client.post(reverse("courses:hide_post", args=[question.pk]), {"reason": "bad\x00reason"}, follow=True)

    assert "why the post is hidden" in response.text
    assert LessonPost.objects.get().hidden_at is None


def test_evaluation_comments_are_kept_as_typed_plain_text(client, lesson_with_people):
    enrollment = lesson_with_people["student"].enrollments.get()
    LessonProgress.objects.create(
        enrollment=enrollment, lesson=lesson_with_people["lesson"], completed_at="2026-11-20T10:00Z"
    )
    client.force_login(lesson_with_people["student"])
    answers = {"objectives_met": 4, "content_accurate": 4, "instructor_clear": 4, "useful_in_practice": 4}

    client.post(
        reverse("certificates:evaluate", args=[enrollment.course.pk]), {**answers, "comments": "a & b <3 <b>x</b>"}
    )

    assert CourseEvaluation.objects.get().comments == "a & b <3 x"
