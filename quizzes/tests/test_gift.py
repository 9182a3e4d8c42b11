"""GIFT in and out: instructors' question banks arrive whole or not at all, and leave again intact."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from accounts.tests.factories import UserFactory
from courses.services import INSTRUCTORS, authoring_roles_setup
from courses.tests.factories import CoursePageFactory
from quizzes import gift
from quizzes.models import QuizPage
from quizzes.tests.factories import QuizPageFactory, matching, multiple_select, pool, single_choice, true_false

BANK = """// Shoulder girdle
$CATEGORY: Rotator cuff

::Q1:: Which muscle lies in the supraspinous fossa? {
=Supraspinatus #Yes.
~Infraspinatus #No\\: that is the infraspinous fossa.
~Teres minor
~Subscapularis
####It is named for its fossa.
}

::Q2:: Deep pressure over an acute bursitis is appropriate. {F#It is a local contraindication.#Right.
####Acute bursitis is a local contraindication.}

Which muscles form the rotator cuff? {
~%50%Supraspinatus
~%50%Subscapularis
~%-100%Deltoid #The deltoid is not a cuff muscle.
~%-100%Trapezius
}

::Q4:: Match each muscle to its action. {
=Supraspinatus -> Abduction
=Infraspinatus -> Lateral rotation
=Subscapularis -> Medial rotation
####The actions of the cuff.
}

[html]The <b>coracoid process</b> is palpated {~medial ~lateral =inferior ~superior} to the clavicle's lateral third.
"""


def test_a_bank_with_every_supported_type_parses_into_editor_blocks():
    questions = gift.parse(BANK)

    assert [block_type for block_type, _ in questions] == [
        "single_choice",
        "true_false",
        "multiple_select",
        "matching",
        "single_choice",
    ]
    first = questions[0][1]
    assert first["prompt"].source == "<p>Which muscle lies in the supraspinous fossa?</p>"
    assert first["choices"][1] == {
        "text": "Infraspinatus",
        "correct": False,
        "feedback": "No: that is the infraspinous fossa.",
    }
    assert first["explanation"].source == "<p>It is named for its fossa.</p>"
    tf = questions[1][1]
    assert (tf["answer"], tf["feedback_if_true"], tf["feedback_if_false"]) == (
        False,
        "It is a local contraindication.",
        "Right.",
    )
    multiple = questions[2][1]
    assert [c["correct"] for c in multiple["choices"]] == [True, True, False, False] and multiple["partial_credit"]
    assert questions[3][1]["pairs"][1] == {"left": "Infraspinatus", "right": "Lateral rotation"}
    missing_word = questions[4][1]
    assert (
        missing_word["prompt"].source
        == "<p>The <b>coracoid process</b> is palpated _____ to the clavicle's lateral third.</p>"
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Name the muscle. {=Supraspinatus =supraspinatus}", "Line 1: Short-answer questions"),
        ("\n\nHow many? {#3:1}", "Line 3: Numerical questions"),
        ("Describe it. {}", "Line 1: Essay questions"),
        ("A question with no answers", "Line 1: No answers"),
        ("Pick one {\n~a\n~b\n~c\n}", "Line 1: No right answer"),
        ("Match {\n=a -> 1\n~b -> 2\n}", "Line 3: In a matching question"),
        ("Open {\n=a\n~b", "Line 1: The { that opens the answers is never closed."),
        ("Pick {\n=" + "x" * 301 + "\n~b\n}", "Line 1: choices: text: Ensure this value has at most 300 characters"),
        ("Pick {" + " ".join(f"~%{-1}%w{n}" for n in range(11)) + " ~%100%r}", "Line 1: choices: The maximum number"),
        ("Pick {\n=a\n~%50%b\n~c\n~d\n}", "Line 3: A right answer (=) beside weighted answers"),
        ("Pick {\n~%70%a\n~%30%b\n~c\n}", "Line 2: The right answers' weights must be equal"),
        ("// ce:bonus 3\nPick {=a ~b ~c ~d}", "Line 1: Unknown directive “ce:bonus”"),
        ("// ce:points many\nPick {=a ~b ~c ~d}", "Line 1: “many” is not a number of points."),
    ],
)
def test_each_fault_names_its_line(text, error):
    with pytest.raises(gift.GiftError) as raised:
        gift.parse(text)

    assert any(message.startswith(error) for message in raised.value.errors), raised.value.errors


def test_every_bad_question_is_listed_not_just_the_first():
    text = "Good {=a ~b ~c ~d}\n\nBad {}\n\nAlso good {T}\n\nWorse {#1}"

    with pytest.raises(gift.GiftError) as raised:
        gift.parse(text)

    assert [message.split(":")[0] for message in raised.value.errors] == ["Line 3", "Line 7"]


@pytest.mark.django_db
def test_export_then_import_gives_back_the_same_questions(catalogue):
    quiz = QuizPageFactory(
        parent=CoursePageFactory(parent=catalogue),
        questions=[
            single_choice(prompt="Which {muscle} = the #1 abductor: really?", right="<b> & -> \\n"),
            true_false(answer=True),
            multiple_select(partial_credit=True),
            pool(draw=1, questions=[matching(), single_choice(prompt="Pooled")]),
            multiple_select(right=("%50% of clients",), wrong=("a", "b", "c"), points=2),
            matching(partial_credit=True),
        ],
    )

    again = gift.parse(gift.export(quiz.questions, title=quiz.title))

    original = [*list(quiz.questions)[:3], *quiz.questions[3].value["questions"], *list(quiz.questions)[4:]]
    assert [block_type for block_type, _ in again] == [block.block_type for block in original]
    for (_, value), block in zip(again, original, strict=True):
        assert value["points"] == block.value["points"]
        assert value.get("partial_credit", False) == block.value.get("partial_credit", False)
    for (_, value), block in zip(again, original, strict=True):
        assert value["prompt"].source == block.value["prompt"].source
        assert value["explanation"].source == block.value["explanation"].source
        for name in ("choices", "pairs"):
            if name in value:
                assert value[name] == [dict(item) for item in block.value[name]]
    assert (again[1][1]["answer"], again[1][1]["feedback_if_true"], again[1][1]["feedback_if_false"]) == (
        True,
        "Right.",
        "No.",
    )


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs", "Cc"]), min_size=1, max_size=80).filter(str.strip))
def test_any_answer_text_survives_the_round_trip(text):
    """Escaping covers every character GIFT gives a meaning to."""
    bank = f"Q {{\n={gift._escape(text)} #{gift._escape(text)}\n~other\n~b\n~c\n}}"

    choice = gift.parse(bank)[0][1]["choices"][0]

    assert (choice["text"], choice["feedback"]) == (text.strip(), text.strip())


def test_the_demo_quizzes_are_valid_gift():
    for path in sorted(Path(settings.BASE_DIR, "lms/demo/quizzes").glob("*.gift")):
        questions = gift.parse(path.read_text())
        assert len(questions) >= 10, path.name
        assert len({block_type for block_type, _ in questions}) >= 3, path.name
        assert all(value["explanation"].source for _, value in questions), path.name


@pytest.fixture
def instructor_client(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    client.instructor = UserFactory(groups=[INSTRUCTORS])
    client.force_login(client.instructor)
    return client


@pytest.mark.django_db
def test_an_import_adds_the_questions_to_a_new_draft(instructor_client, catalogue):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue, taught_by=instructor_client.instructor))
    before = [block.id for block in quiz.questions]

    response = instructor_client.post(reverse("quizzes_gift_import", args=[quiz.pk]), {"gift": BANK})

    assert response.status_code == 302
    quiz.refresh_from_db()
    draft = quiz.get_latest_revision_as_object()
    assert [block.id for block in draft.questions][: len(before)] == before  # existing questions keep their ids
    assert len(draft.questions) == len(before) + 5
    assert len(QuizPage.objects.get(pk=quiz.pk).questions) == len(before)  # the live quiz is unchanged


@pytest.mark.django_db
def test_an_import_with_a_bad_line_imports_nothing_and_says_which(instructor_client, catalogue):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue, taught_by=instructor_client.instructor))
    revisions = quiz.revisions.count()

    response = instructor_client.post(reverse("quizzes_gift_import", args=[quiz.pk]), {"gift": BANK + "\n\nOops {}"})

    assert response.status_code == 400
    assert "Line 32: Essay questions" in response.content.decode()
    assert quiz.revisions.count() == revisions


@pytest.mark.django_db
def test_export_downloads_the_quiz_as_gift(instructor_client, catalogue):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue, taught_by=instructor_client.instructor))

    response = instructor_client.get(reverse("quizzes_gift_export", args=[quiz.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="final-assessment.gift"'
    assert len(gift.parse(response.content.decode())) == 4


@pytest.mark.django_db
def test_practitioners_cannot_reach_the_quiz_admin_views(client, catalogue):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue))
    client.force_login(UserFactory(verified_email=True))

    for name in ("quizzes_gift_import", "quizzes_gift_export", "quizzes_analysis"):
        response = client.get(reverse(name, args=[quiz.pk]))
        assert response.status_code in (302, 403), name
        assert b"Supraspinatus" not in response.content


@pytest.mark.django_db
def test_a_final_assessment_refuses_imported_questions_with_fewer_than_four_options(instructor_client, catalogue):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue, taught_by=instructor_client.instructor))
    revisions = quiz.revisions.count()

    response = instructor_client.post(
        reverse("quizzes_gift_import", args=[quiz.pk]), {"gift": "Pick {=a ~b ~c ~d}\n\nThree {=a ~b ~c}"}
    )

    assert "Imported question 2 has fewer than 4 options, which a final assessment needs." in response.content.decode()
    assert quiz.revisions.count() == revisions


@pytest.mark.django_db
def test_a_quiz_locked_by_someone_else_takes_no_import(instructor_client, catalogue):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue, taught_by=instructor_client.instructor))
    quiz.locked, quiz.locked_by = True, UserFactory()
    quiz.save()
    revisions = quiz.revisions.count()

    response = instructor_client.post(reverse("quizzes_gift_import", args=[quiz.pk]), {"gift": BANK})

    assert response.status_code == 400
    assert quiz.revisions.count() == revisions
