"""Grading is a pure function of the questions as presented and the answers: fair, bounded, order-blind."""

import random
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from quizzes.grading import (
    AcceptedAnswer,
    Choice,
    InvalidAnswer,
    Question,
    QuestionKind,
    grade,
    normalise_text,
    question_score,
    read_number,
    short_answer_matches,
)

PASS_MARK = Decimal(70)


def single(key, correct="b", points=1):
    return Question(
        key,
        QuestionKind.SINGLE,
        Decimal(points),
        tuple(Choice(letter, f"Choice {letter}", letter == correct) for letter in "abcd"),
    )


def multiple(key, correct=("a", "c"), partial=False, points=2):
    return Question(
        key,
        QuestionKind.MULTIPLE,
        Decimal(points),
        tuple(Choice(letter, f"Choice {letter}", letter in correct) for letter in "abcd"),
        partial_credit=partial,
    )


def matching(key, partial=False, points=3):
    pairs = {"Supraspinatus": "Abduction", "Infraspinatus": "External rotation", "Subscapularis": "Internal rotation"}
    return Question(key, QuestionKind.MATCHING, Decimal(points), pairs=pairs, partial_credit=partial)


def test_a_single_choice_scores_its_points_only_when_right():
    assert question_score(single("q"), "b") == Decimal(1)
    assert question_score(single("q"), "a") == Decimal(0)
    assert question_score(single("q"), None) == Decimal(0)


def test_multiple_select_is_all_or_nothing_unless_partial_credit_is_on():
    assert question_score(multiple("q"), {"a", "c"}) == Decimal(2)
    assert question_score(multiple("q"), {"a"}) == Decimal(0)
    assert question_score(multiple("q", partial=True), {"a"}) == Decimal(1)
    assert question_score(multiple("q", partial=True), {"a", "b"}) == Decimal(0)  # a wrong choice takes a share back
    assert question_score(multiple("q", partial=True), {"b", "d"}) == Decimal(0)  # never below zero


def test_matching_counts_pairs():
    right = {"Supraspinatus": "Abduction", "Infraspinatus": "External rotation", "Subscapularis": "Internal rotation"}
    one_wrong = {**right, "Subscapularis": "Abduction"}
    assert question_score(matching("q"), right) == Decimal(3)
    assert question_score(matching("q"), one_wrong) == Decimal(0)
    assert question_score(matching("q", partial=True), one_wrong) == Decimal(2)


def test_a_grade_reports_score_percent_and_pass_at_the_mark():
    questions = [single("1"), single("2"), single("3"), multiple("4", points=7)]

    passed = grade(questions, {"1": "b", "2": "b", "4": ["c", "a"]}, pass_mark_percent=PASS_MARK)
    failed = grade(questions, {"1": "b", "2": "b", "3": "b"}, pass_mark_percent=PASS_MARK)

    assert (passed.score, passed.max_score, passed.percent, passed.passed) == (
        Decimal(9),
        Decimal(10),
        Decimal(90),
        True,
    )
    assert (failed.percent, failed.passed) == (Decimal(30), False)


@pytest.mark.parametrize(
    "answers",
    [{"99": "a"}, {"1": "z"}, {"2": ["a", "z"]}, {"2": "a"}, {"1": ["b"]}, {"3": {"Deltoid": "Abduction"}}, {"3": "a"}],
)
def test_answers_naming_questions_or_choices_not_presented_are_rejected(answers):
    with pytest.raises(InvalidAnswer):
        grade([single("1"), multiple("2"), matching("3")], answers, pass_mark_percent=PASS_MARK)


@st.composite
def attempts(draw):
    """A random quiz of every kind of question, and random (valid) answers to it."""
    questions, answers = [], {}
    for number in range(draw(st.integers(1, 12))):
        key = f"q{number}"
        kind = draw(st.sampled_from(sorted(set(QuestionKind) - {QuestionKind.ESSAY, QuestionKind.DESCRIPTION})))
        points = Decimal(draw(st.integers(1, 5)))
        partial = draw(st.booleans())
        if kind in (QuestionKind.SHORT_ANSWER, QuestionKind.NUMERICAL):
            weights = draw(st.lists(st.integers(0, 100), min_size=1, max_size=4))
            weights[0] = 100
            if kind == QuestionKind.SHORT_ANSWER:
                accepted = tuple(AcceptedAnswer(Decimal(w), text=f"word{n}*") for n, w in enumerate(weights))
            else:
                accepted = tuple(
                    AcceptedAnswer(Decimal(w), value=Decimal(n * 10), tolerance=Decimal(n))
                    for n, w in enumerate(weights)
                )
            questions.append(Question(key, kind, points, answers=accepted))
            answers[key] = draw(st.one_of(st.none(), st.text(max_size=20), st.decimals(-50, 50).map(str)))
            if kind == QuestionKind.NUMERICAL and answers[key] is not None and read_number(answers[key]) is None:
                answers[key] = None
            continue
        if kind == QuestionKind.MATCHING:
            lefts = [f"L{n}" for n in range(draw(st.integers(2, 5)))]
            pairs = {left: f"R{index}" for index, left in enumerate(lefts)}
            questions.append(Question(key, kind, points, pairs=pairs, partial_credit=partial))
            answers[key] = {left: draw(st.sampled_from(list(pairs.values()))) for left in lefts}
            continue
        count = 2 if kind == QuestionKind.TRUE_FALSE else draw(st.integers(2, 6))
        correct = draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=1 if kind != "multiple" else count))
        choices = tuple(Choice(f"c{n}", f"Choice {n}", n in correct) for n in range(count))
        questions.append(Question(key, kind, points, choices, partial_credit=partial))
        if kind == QuestionKind.MULTIPLE:
            answers[key] = draw(st.sets(st.sampled_from([c.key for c in choices])))
        else:
            answers[key] = draw(st.one_of(st.none(), st.sampled_from([c.key for c in choices])))
    return questions, answers


def all_correct(questions):
    answers = {}
    for question in questions:
        correct = [choice.key for choice in question.choices if choice.correct]
        if question.kind == QuestionKind.MATCHING:
            answers[question.key] = dict(question.pairs)
        elif question.kind == QuestionKind.SHORT_ANSWER:
            answers[question.key] = question.answers[0].text.replace("*", " and more")
        elif question.kind == QuestionKind.NUMERICAL:
            answers[question.key] = str(question.answers[0].value).replace(".", ",")
        elif question.kind == QuestionKind.MULTIPLE:
            answers[question.key] = set(correct)
        else:
            answers[question.key] = correct[0]
    return answers


@given(attempts())
def test_the_score_lies_between_zero_and_the_maximum(attempt):
    questions, answers = attempt
    result = grade(questions, answers, pass_mark_percent=PASS_MARK)

    assert Decimal(0) <= result.score <= result.max_score
    assert Decimal(0) <= result.percent <= Decimal(100)


@given(attempts(), st.randoms())
def test_reordering_questions_or_choices_does_not_change_the_grade(attempt, rng: random.Random):
    questions, answers = attempt
    shuffled = [
        Question(
            q.key,
            q.kind,
            q.points,
            tuple(rng.sample(q.choices, len(q.choices))),
            q.pairs,
            q.partial_credit,
            answers=tuple(rng.sample(q.answers, len(q.answers))),
        )
        for q in rng.sample(questions, len(questions))
    ]

    assert grade(shuffled, answers, pass_mark_percent=PASS_MARK) == grade(
        questions, answers, pass_mark_percent=PASS_MARK
    )


@given(attempts())
def test_answering_everything_correctly_scores_the_maximum(attempt):
    questions, _ = attempt
    result = grade(questions, all_correct(questions), pass_mark_percent=PASS_MARK)

    assert result.score == result.max_score and result.percent == Decimal(100) and result.passed


def test_shares_add_up_exactly_before_the_pass_mark_is_applied():
    """Six whole questions and three thirds of partly right ones make exactly 7 of 10 points: a pass at 70%."""
    questions = [single(f"s{n}") for n in range(6)] + [matching(f"m{n}", points=1, partial=True) for n in range(3)]
    questions.append(single("last"))
    answers = {f"s{n}": "b" for n in range(6)}
    answers.update({f"m{n}": {"Supraspinatus": "Abduction"} for n in range(3)})  # one pair of three right in each

    result = grade(questions, answers, pass_mark_percent=PASS_MARK)

    assert (result.score, result.percent, result.passed) == (Decimal(7), Decimal(70), True)
    assert result.question_scores["m0"] == Decimal("0.33")  # shown rounded down; summed exactly


# Moodle's weights (question/type/multichoice: the chosen fractions summed, kept within 0..1).


def weighted(kind, weights, points=4):
    choices = tuple(
        Choice(f"c{n}", f"Choice {n}", weight is not None and weight > 0, None if weight is None else Decimal(weight))
        for n, weight in enumerate(weights)
    )
    return Question("w", kind, Decimal(points), choices)


def test_a_weighted_multiple_select_scores_the_sum_of_the_chosen_weights_within_0_and_100_percent():
    question = weighted(QuestionKind.MULTIPLE, [50, 50, -25, -100, None])

    assert question_score(question, {"c0", "c1"}) == 4
    assert question_score(question, {"c0"}) == 2
    assert question_score(question, {"c0", "c2"}) == 1  # -25% costs a quarter
    assert question_score(question, {"c0", "c1", "c3"}) == 0  # -100% costs everything
    assert question_score(question, {"c2", "c3"}) == 0  # never below zero
    assert question_score(question, {"c0", "c1", "c4"}) == 4  # an unweighted wrong pick costs nothing


def test_a_weighted_multiple_select_never_scores_above_its_points():
    assert question_score(weighted(QuestionKind.MULTIPLE, [100, 100]), {"c0", "c1"}) == 4


def test_a_weighted_single_choice_scores_the_chosen_choices_share():
    question = weighted(QuestionKind.SINGLE, [100, 50, -50, None])

    assert [question_score(question, f"c{n}") for n in range(4)] == [4, 2, 0, 0]


def test_an_unweighted_multiple_select_keeps_this_platforms_partial_credit_rule():
    question = multiple("q", partial=True)  # one share per right pick, one share back per wrong pick

    assert question_score(question, {"a", "b"}) == 0


def test_a_single_choice_with_several_right_choices_gives_full_marks_for_any_of_them():
    question = Question(
        "q",
        QuestionKind.SINGLE,
        Decimal(1),
        (Choice("a", "spring", True), Choice("b", "summer", True), Choice("c", "easter")),
    )

    assert [question_score(question, key) for key in "abc"] == [1, 1, 0]


def test_a_matching_answer_may_name_an_extra_right_hand_item_and_scores_nothing_for_it():
    question = Question(
        "q", QuestionKind.MATCHING, Decimal(2), pairs={"cat": "chat", "dog": "chien"}, distractors=frozenset({"x"})
    )

    assert question_score(question, {"cat": "chat", "dog": "x"}) == 0
    with pytest.raises(InvalidAnswer):
        grade([question], {"q": {"cat": "not-offered"}}, pass_mark_percent=PASS_MARK)


# Short answer: Moodle's qtype_shortanswer::compare_string_with_wildcard, whitespace tidied.


def short_answer(*accepted, case_sensitive=False, points=2):
    answers = tuple(AcceptedAnswer(Decimal(weight), text=text) for text, weight in accepted)
    return Question("s", QuestionKind.SHORT_ANSWER, Decimal(points), answers=answers, case_sensitive=case_sensitive)


@pytest.mark.parametrize(
    ("accepted", "response", "matches"),
    [
        ("Trapezius", "trapezius", True),
        ("Trapezius", "  Trapezius ", True),
        ("upper trapezius", "upper \t  trapezius", True),
        ("trapez*", "Trapezius", True),
        ("trapez*", "trapez", True),  # a star stands for any run, none included
        ("*itis", "tendinitis", True),
        ("t*s", "triceps", True),
        ("trapez*", "the trapezius", False),
        ("Trapezius", "Trapezius muscle", False),
        ("5 \\* 3", "5 * 3", True),  # an escaped star is a star
        ("5 \\* 3", "5 x 3", False),
        ("a.c", "abc", False),  # other characters are literal, not patterns
        ("(C5)", "(c5)", True),
        ("Café", "cafe\u0301", True),  # the same letters typed two ways
    ],
)
def test_a_short_answer_matches_as_moodle_compares_it(accepted, response, matches):
    assert short_answer_matches(accepted, response) is matches


def test_a_short_answer_is_case_blind_unless_the_question_says_otherwise():
    assert question_score(short_answer(("ATP", 100)), "atp") == 2
    assert question_score(short_answer(("ATP", 100), case_sensitive=True), "atp") == 0
    assert question_score(short_answer(("ATP", 100), case_sensitive=True), "ATP") == 2


def test_a_short_answer_scores_the_highest_weight_among_the_answers_it_matches():
    question = short_answer(("deltoid*", 50), ("deltoid", 100), ("*", 10))

    assert question_score(question, "Deltoid") == 2
    assert question_score(question, "deltoideus") == 1
    assert question_score(question, "biceps") == Decimal("0.2")


def test_whitespace_is_normalised():
    assert normalise_text(" a \n\t b  ") == "a b"


# Numerical: Moodle's qtype_numerical (value ± tolerance; a range min..max is its midpoint ± half).


def numerical(*accepted, points=1):
    answers = tuple(
        AcceptedAnswer(Decimal(weight), value=Decimal(value), tolerance=Decimal(tolerance))
        for value, tolerance, weight in accepted
    )
    return Question("n", QuestionKind.NUMERICAL, Decimal(points), answers=answers)


@pytest.mark.parametrize(
    ("response", "score"),
    [("1822", 1), ("1822,0", 1), ("1823", Decimal("0.5")), ("1820", Decimal("0.5")), ("1819.99", 0), (" 1822 ", 1)],
)
def test_a_numerical_answer_scores_the_highest_weight_within_tolerance(response, score):
    question = numerical(("1822", "0", 100), ("1822", "2", 50))

    assert question_score(question, response) == score


def test_a_range_reads_as_its_midpoint_and_half_width():
    question = numerical(("3", "2", 100))  # {#1..5}

    assert [question_score(question, text) for text in ("1", "5", "3,5", "0.99", "5.01")] == [1, 1, 1, 0, 0]


@pytest.mark.parametrize("text", ["3.5", "3,5", "-0,25", "+2", "1e3"])
def test_a_number_is_read_with_a_decimal_point_or_a_decimal_comma(text):
    assert read_number(text) == Decimal(text.replace(",", "."))


@pytest.mark.parametrize("text", ["", "three", "3..5", "1,000.5", "NaN", "Infinity", "3 cm"])
def test_text_that_is_not_a_number_is_refused_with_a_reason(text):
    assert read_number(text) is None
    with pytest.raises(InvalidAnswer, match="not a number"):
        grade([numerical(("3", "0", 100))], {"n": text}, pass_mark_percent=PASS_MARK)


def test_a_typed_answer_must_be_text_of_a_sensible_length():
    with pytest.raises(InvalidAnswer):
        grade([short_answer(("a", 100))], {"s": ["a"]}, pass_mark_percent=PASS_MARK)
    with pytest.raises(InvalidAnswer, match="longer than"):
        grade([short_answer(("a", 100))], {"s": "a" * 501}, pass_mark_percent=PASS_MARK)


# Essays: scored by a grader; until then the pass is undecided.


def essay(key="e", points=4):
    return Question(key, QuestionKind.ESSAY, Decimal(points))


def test_an_attempt_with_an_essay_not_yet_scored_has_its_auto_graded_part_and_no_pass_decision():
    questions = [single("1"), essay()]

    result = grade(questions, {"1": "b", "e": "Because ..."}, pass_mark_percent=PASS_MARK)

    assert (result.score, result.max_score, result.passed, result.awaiting) == (Decimal(1), Decimal(5), None, ("e",))
    assert "e" not in result.question_scores


def test_once_every_essay_is_scored_the_attempt_is_graded_in_full():
    questions = [single("1"), essay("e1", points=2), essay("e2", points=2)]
    answers = {"1": "b", "e1": "...", "e2": "..."}

    half = grade(questions, answers, pass_mark_percent=PASS_MARK, essay_scores={"e1": Decimal(2)})
    full = grade(questions, answers, pass_mark_percent=PASS_MARK, essay_scores={"e1": Decimal(2), "e2": Decimal("0.5")})

    assert half.passed is None and half.awaiting == ("e2",)
    assert (full.score, full.percent, full.passed, full.awaiting) == (Decimal("3.5"), Decimal(70), True, ())
    assert full.question_scores["e2"] == Decimal("0.5")


@given(attempts())
def test_a_weighted_or_typed_score_lies_within_the_questions_points(attempt):
    questions, answers = attempt
    result = grade(questions, answers, pass_mark_percent=PASS_MARK)

    for question in questions:
        assert Decimal(0) <= result.question_scores[question.key] <= question.points


@given(st.lists(st.one_of(st.none(), st.integers(-100, 100)), min_size=2, max_size=6), st.data())
def test_a_weighted_multiple_select_score_is_the_clamped_sum(weights, data):
    assume(any(weight is not None for weight in weights))
    question = weighted(QuestionKind.MULTIPLE, weights)
    chosen = data.draw(st.sets(st.sampled_from([choice.key for choice in question.choices])))
    total = sum(weight or 0 for n, weight in enumerate(weights) if f"c{n}" in chosen)

    assert question_score(question, chosen) == Decimal(4) * min(max(total, 0), 100) / 100
