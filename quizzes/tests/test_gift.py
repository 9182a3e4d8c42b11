"""GIFT in and out: instructors' question banks arrive whole or not at all, and leave again intact."""

from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from wagtail.blocks import StreamValue

from accounts.tests.factories import UserFactory
from courses.services import INSTRUCTORS, authoring_roles_setup
from courses.tests.factories import CoursePageFactory
from quizzes import gift
from quizzes.blocks import QUESTION_BLOCKS
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
        "weight": None,
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


new_types = pytest.mark.skipif(
    "short_answer" not in dict(QUESTION_BLOCKS), reason="the short-answer, numerical, essay and description blocks"
)
weighted_choices = pytest.mark.skipif(
    "weight" not in dict(QUESTION_BLOCKS)["single_choice"].child_blocks["choices"].child_block.child_blocks,
    reason="choices with weights and single choice with several right answers",
)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Pick one {\n~a\n~b\n~c\n}", "Line 1: No right answer"),
        ("Open {\n=a\n~b", "Line 1: The { that opens the answers is never closed."),
        (
            "Pick {\n=" + "x" * 301 + "\n~b\n}",
            "Line 1: As a single choice question: choices: text: Ensure this value has at most 300 characters",
        ),
        (
            "Pick {" + " ".join(f"~%{-1}%w{n}" for n in range(11)) + " ~%100%r}",
            "Line 1: As a multiple select question: choices: The maximum number",
        ),
        ("Match {\n=a -> 1\n= -> 2\n}", "Line 1: As a matching question: pairs: The minimum number"),
        ("// ce:bonus 3\nPick {=a ~b ~c ~d}", "Line 1: Unknown directive “ce:bonus”"),
        ("// ce:points many\nPick {=a ~b ~c ~d}", "Line 1: “many” is not a number of points."),
        ("\n\nHow many? {#three}", "Line 3: “three” is not a number."),
        ("How many? {#5..1}", "Line 1: The range 5..1 ends below"),
    ],
)
def test_each_fault_names_its_line(text, error):
    with pytest.raises(gift.GiftError) as raised:
        gift.parse(text)

    assert any(message.startswith(error) for message in raised.value.errors), raised.value.errors


def test_the_report_keeps_the_good_questions_and_lists_every_bad_one_by_line():
    report = gift.read("Good {=a ~b ~c ~d}\n\nBad {~a ~b}\n\nAlso good {T}\n\nWorse {#x}")

    assert [block_type for block_type, _ in report.questions] == ["single_choice", "true_false"]
    assert [question.line for question in report.imported] == [1, 5]
    assert [refusal.line for refusal in report.refused] == [3, 7]


# Moodle's expectations, from question/format/gift/tests/giftformat_test.php (moodle/moodle).


def test_format_tags_are_read_on_every_answer_and_feedback():
    # test_import_multichoice: "~red # [html]wrong, it's yellow", "~[plain]blue"
    text = "::Q2:: What's between orange and green in the spectrum?\n{\n=yellow # right; good!\n"
    text += "~red # [html]wrong, it's yellow\n~[plain]blue # wrong, it's yellow\n}"

    (block_type, value), *_ = gift.parse(text)

    assert block_type == "single_choice"
    assert [(c["text"], c["feedback"]) for c in value["choices"]] == [
        ("yellow", "right; good!"),
        ("red", "wrong, it's yellow"),
        ("blue", "wrong, it's yellow"),
    ]


def test_format_tags_on_matching_items_and_general_feedback():
    # test_import_match, and test_import_shortanswer_with_general_feedback's "####[html]" general feedback
    text = (
        "::Moodle activities::[html]Match the <b>activity</b> to the description.{\n"
        "=[html]An activity supporting asynchronous discussions. -> Forum\n"
        "=[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice\n"
        "=[plain]A bank of record entries which participants can add to. -> Database\n"
        "=[markdown]A collection of web pages that anyone can add to or edit. -> Wiki\n"
        "= -> Chat\n####[html]<i>Five</i> activities.}"
    )

    (block_type, value), *_ = gift.parse(text)

    assert block_type == "matching"
    assert [pair["right"] for pair in value["pairs"]] == ["Forum", "Choice", "Database", "Wiki"]
    assert value["pairs"][0]["left"] == "An activity supporting asynchronous discussions."
    assert value["explanation"].source == "<p><i>Five</i> activities.</p>"
    if "distractors" in value:
        assert value["distractors"] == ["Chat"]


@weighted_choices
def test_weights_with_no_right_answer_make_a_multiple_select_graded_by_them():
    # test_import_multichoice_multi: fraction (0.5, -1, 0.5, -1), single 0
    text = "::colours:: What's between orange and green in the spectrum?\n{\n~%50%yellow # right; good!\n"
    text += "~%-100%red # [html]wrong\n~%50%off-beige # right; good!\n~%-100%[plain]blue # wrong\n}"

    (block_type, value), *_ = gift.parse(text)

    assert block_type == "multiple_select"
    assert [(c["text"], c["correct"], c["weight"]) for c in value["choices"]] == [
        ("yellow", True, Decimal(50)),
        ("red", False, Decimal(-100)),
        ("off-beige", True, Decimal(50)),
        ("blue", False, Decimal(-100)),
    ]


@weighted_choices
def test_one_full_weight_beside_negative_ones_is_still_multiple_select():
    # test_import_multichoice_multi_tricky: Moodle's exporter writes one-right multiple response so
    (block_type, value), *_ = gift.parse("Colour? {~%100%yellow ~%-50%red ~%-50%blue}")

    assert block_type == "multiple_select"
    assert [c["weight"] for c in value["choices"]] == [Decimal(100), Decimal(-50), Decimal(-50)]


@weighted_choices
def test_several_right_answers_beside_a_wrong_one_are_single_choice():
    # our own case, after the old simpletest/testgiftformat.php sample "{ =Right =Correct ~Wrong ~Incorrect }":
    # each "=" has fraction 1 and the question stays single answer
    (block_type, value), *_ = gift.parse("When? {= spring = summer ~ easter}")

    assert block_type == "single_choice"
    assert [(c["text"], c["correct"]) for c in value["choices"]] == [
        ("spring", True),
        ("summer", True),
        ("easter", False),
    ]


def test_an_arrow_inside_a_choice_is_text_when_the_question_has_wrong_answers():
    # our own case: format.php decides matching only when no answer is marked ~, so "->" here is text
    (block_type, value), *_ = gift.parse("Which is the sequence? {=a -> b -> c ~c -> b -> a ~b -> a -> c}")

    assert block_type == "single_choice"
    assert value["choices"][0]["text"] == "a -> b -> c"


def test_backslashes_that_escape_nothing_are_kept():
    # "Wrong \ 2" is from the old simpletest/testgiftformat.php sample; the lone-backslash answer "= \\"
    # from examples.txt's "GIFT Control Characters" (test_import_backslash itself is below)
    (_, value), *_ = gift.parse("Backslash? {=\\\\ ~Wrong \\ 2 ~\\=}")

    assert [c["text"] for c in value["choices"]] == ["\\", "Wrong \\ 2", "="]


@new_types
def test_import_backslash():
    # test_import_backslash (MDL-34171): "A \\ B \\\\ C" reads "A \ B \\ C"
    (block_type, value), *_ = gift.parse("::double backslash:: A \\\\ B \\\\\\\\ C{}")

    assert (block_type, value["prompt"].source) == ("essay", "<p>A \\ B \\\\ C</p>")


def test_escaped_tex_keeps_its_backslashes():
    # our own case (Moodle has no TeX fixture): \{ and \} are escapes, the other backslashes are text
    (_, value), *_ = gift.parse("What is \\(\\frac\\{1\\}\\{2\\}\\) as a decimal? {=0.5 ~0.2 ~2}")

    assert value["prompt"].source == "<p>What is \\(\\frac{1}{2}\\) as a decimal?</p>"


def test_html_keeps_links_lists_and_code_and_reports_what_it_removed():
    text = (
        '[html]<p>See <a href="https://example.org/x">the chart</a> and '
        '<a href="javascript:alert(1)">this</a>:</p><ul><li>H<sub>2</sub>O</li></ul><pre><code>x</code></pre>'
        '<img src="https://example.org/m.png" alt="The deltoid"><script>alert(1)</script><span>s</span>'
        " {=a ~<b>b</b> ~c}"
    )

    report = gift.read(text)

    source = report.questions[0][1]["prompt"].source
    assert '<a href="https://example.org/x">the chart</a>' in source
    assert "<ul><li>H<sub>2</sub>O</li></ul><pre><code>x</code></pre>" in source
    assert "[Image: The deltoid]" in source and "<img" not in source
    assert "javascript" not in source and "<script" not in source and "<span" not in source
    removed = report.imported[0].removed_html
    assert "<img> (replaced by its alt text)" in removed and "<script>" in removed and "<span>" in removed
    assert "<b>" in removed  # formatting inside an answer, which is plain text
    assert any(item.startswith("a link to “javascript:") for item in removed)


@new_types
def test_short_answer_with_weights():
    # after examples.txt's "Jesus' hometown (Short answer ex.)"; test_import_shortanswer is below
    text = "::Q5:: Who's buried in Grant's tomb? {=Grant =%50%Ulysses S. Grant#half =Ulysses Grant}"

    (block_type, value), *_ = gift.parse(text)

    assert block_type == "short_answer" and value["case_sensitive"] is False
    assert [(a["text"], a["weight"], a["feedback"]) for a in value["answers"]] == [
        ("Grant", Decimal(100), ""),
        ("Ulysses S. Grant", Decimal(50), "half"),
        ("Ulysses Grant", Decimal(100), ""),
    ]


@new_types
def test_import_shortanswer_with_a_catch_all_and_general_feedback():
    # test_import_shortanswer and test_import_shortanswer_with_general_feedback
    text = (
        "::Shortanswer::Which is the best animal?{\n    =Frog#Good!\n    =%50%Cat#What is it with Moodlers and cats?\n"
        "    =%0%*#Completely wrong\n    ####[html]Here is some general feedback!\n}"
    )

    (block_type, value), *_ = gift.parse(text)

    assert block_type == "short_answer"
    assert [(a["text"], a["weight"], a["feedback"]) for a in value["answers"]] == [
        ("Frog", Decimal(100), "Good!"),
        ("Cat", Decimal(50), "What is it with Moodlers and cats?"),
        ("*", Decimal(0), "Completely wrong"),
    ]
    assert value["explanation"].source == "<p>Here is some general feedback!</p>"


@new_types
def test_a_weighted_short_answer_fault_names_short_answer():
    with pytest.raises(gift.GiftError) as raised:
        gift.parse("Name it. {=%0%a =%0%b}")

    assert raised.value.errors == ["Line 1: A short-answer question needs an answer worth more than 0%."]


@new_types
@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ("#3:2", [(Decimal(3), Decimal(2), Decimal(100))]),  # test_import_numerical
        ("#1..5", [(Decimal(3), Decimal(2), Decimal(100))]),  # examples.txt's "Q7 Range ..", the same range
        ("#2,5:0,5", [(Decimal("2.5"), Decimal("0.5"), Decimal(100))]),  # decimal comma
        ("#=1822:0 # right =%50%1822:2 # close", [(1822, 0, 100), (1822, 2, 50)]),  # examples.txt's Grant
    ],
)
def test_numerical(answers, expected):
    (block_type, value), *_ = gift.parse(f"When was Ulysses S. Grant born? {{{answers}}}")

    assert block_type == "numerical"
    assert [(a["value"], a["tolerance"], a["weight"]) for a in value["answers"]] == [
        tuple(Decimal(x) for x in row) for row in expected
    ]


@new_types
def test_import_numerical_reads_the_wrong_answer_feedback_as_any_other_number():
    # test_import_numerical: answers ("3", "*"), fractions (1, 0), feedback ("", "Completely wrong")
    (block_type, value), *_ = gift.parse("::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}")

    assert block_type == "numerical"
    assert [(a["value"], a["tolerance"], a["weight"], a["feedback"]) for a in value["answers"]] == [
        (Decimal(3), Decimal(2), Decimal(100), ""),
        (None, Decimal(0), Decimal(0), "Completely wrong"),
    ]


@new_types
def test_a_numerical_wrong_answer_takes_no_number():
    with pytest.raises(gift.GiftError) as raised:
        gift.parse("How many? {#3:2 ~4#close}")

    assert raised.value.errors == [
        "Line 1: A ~ answer in a numerical question stands for any other number: write only ~#feedback."
    ]


@new_types
def test_export_numerical_writes_any_other_number_as_moodle_does():
    # test_export_numerical: "{#\n\t=%100%3:2#\n\t~#Completely wrong\n}"
    questions = gift.parse("::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}")
    stream = StreamValue(QuizPage.questions.field.stream_block, questions)

    text = gift.export(stream)

    assert "\n=3:2\n~#Completely wrong\n}" in text
    assert gift.parse(text)[0][1]["answers"] == questions[0][1]["answers"]


def test_import_truefalse_reads_the_format_tag_of_each_feedback():
    # test_export_truefalse writes "{TRUE#[html]42 is the Ultimate Answer.#You gave the right answer.}";
    # test_import_truefalse reads FALSE#wrong#right the other way round
    (_, right), (_, wrong) = gift.parse(
        "::Q1::42 is the Absolute Answer to everything.{TRUE#[html]42 is the <b>Ultimate</b> Answer.#"
        "[plain]You gave the right answer.}\n\n"
        "::Q1:: 42 is the Absolute Answer to everything.{\nFALSE#42 is the Ultimate Answer.#You gave the right answer.}"
    )

    assert (right["answer"], right["feedback_if_false"], right["feedback_if_true"]) == (
        True,
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )
    assert (wrong["answer"], wrong["feedback_if_true"], wrong["feedback_if_false"]) == (
        False,
        "42 is the Ultimate Answer.",
        "You gave the right answer.",
    )


@new_types
def test_essay_and_description():
    # test_import_essay ("::Q8:: How are you? {}"); the description is our own case (Moodle has no test for it)
    (essay_type, essay), (description_type, description) = gift.parse(
        "::Q8:: How are you? {}\n\n::Q1:: Read this first."
    )

    assert (essay_type, essay["prompt"].source) == ("essay", "<p>How are you?</p>")
    assert (description_type, description["text"].source) == ("description", "<p>Read this first.</p>")


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
def test_an_import_with_a_bad_question_saves_nothing_until_the_instructor_confirms_the_rest(
    instructor_client, catalogue
):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue, taught_by=instructor_client.instructor))
    before, revisions = len(quiz.questions), quiz.revisions.count()
    url = reverse("quizzes_gift_import", args=[quiz.pk])

    report = instructor_client.post(url, {"gift": BANK + "\n\nOops {~a ~b ~c ~d}"})

    page = BeautifulSoup(report.content, "html.parser")
    assert report.status_code == 200 and quiz.revisions.count() == revisions
    assert "5 questions can be imported" in page.text
    assert "Line 32: No right answer" in page.select_one(".help-warning").text
    confirm = page.select_one("form input[name=confirmed]").find_parent("form")
    fields = {field["name"]: field.get("value", "") for field in confirm.select("input[type=hidden]")}
    assert confirm.select_one("button").text == "Import 5 questions"

    response = instructor_client.post(url, fields)

    assert response.status_code == 302
    quiz.refresh_from_db()
    assert len(quiz.get_latest_revision_as_object().questions) == before + 5


@pytest.mark.django_db
def test_an_import_where_no_question_can_be_read_says_why_and_saves_nothing(instructor_client, catalogue):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue, taught_by=instructor_client.instructor))
    revisions = quiz.revisions.count()

    response = instructor_client.post(
        reverse("quizzes_gift_import", args=[quiz.pk]), {"gift": "Oops {~a ~b ~c ~d}", "confirmed": "on"}
    )

    assert response.status_code == 400
    assert "Line 1: No right answer" in response.content.decode()
    assert quiz.revisions.count() == revisions


@pytest.mark.django_db
def test_a_final_assessment_refuses_only_the_questions_with_too_few_options(instructor_client, catalogue):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue, taught_by=instructor_client.instructor))
    text = "Two options {=a ~b}\n\nFour options {=a ~b ~c ~d}"

    page = BeautifulSoup(
        instructor_client.post(reverse("quizzes_gift_import", args=[quiz.pk]), {"gift": text}).content, "html.parser"
    )

    assert "1 question can be imported" in page.text
    assert "Line 1: A final assessment needs at least 4 options" in page.select_one(".help-warning").text


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
def test_a_quiz_locked_by_someone_else_takes_no_import(instructor_client, catalogue):
    quiz = QuizPageFactory(parent=CoursePageFactory(parent=catalogue, taught_by=instructor_client.instructor))
    quiz.locked, quiz.locked_by = True, UserFactory()
    quiz.save()
    revisions = quiz.revisions.count()

    response = instructor_client.post(reverse("quizzes_gift_import", args=[quiz.pk]), {"gift": BANK})

    assert response.status_code == 400
    assert quiz.revisions.count() == revisions
