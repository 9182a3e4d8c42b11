from decimal import Decimal
from html import escape

import factory
import wagtail_factories
from wagtail.rich_text import RichText

from quizzes.models import QuizKind, QuizPage
from quizzes.presentation import right_answers


def _question(prompt: str, *, points=1, explanation: str = "", image=None, image_alt: str = "") -> dict:
    return {
        "prompt": RichText(f"<p>{prompt}</p>"),
        "image": image,
        "image_alt": image_alt,
        "points": Decimal(points),
        "explanation": RichText(f"<p>{explanation}</p>" if explanation else ""),
    }


def single_choice(
    prompt="Which muscle lies in the supraspinous fossa?",
    right="Supraspinatus",
    wrong=("Teres minor", "Subscapularis", "Latissimus dorsi"),
    **kwargs,
):
    choices = [{"text": right, "correct": True, "feedback": f"Yes: {right} is right."}]
    choices += [{"text": text, "correct": False, "feedback": f"No: not {text}."} for text in wrong]
    value = _question(prompt, explanation=f"Because of {escape(right)}.", **kwargs)
    return ("single_choice", {**value, "choices": choices})


def multiple_select(
    prompt="Which muscles form the rotator cuff?",
    right=("Supraspinatus", "Infraspinatus"),
    wrong=("Deltoid", "Pectoralis major"),
    partial_credit=False,
    **kwargs,
):
    choices = [{"text": text, "correct": True, "feedback": ""} for text in right]
    choices += [{"text": text, "correct": False, "feedback": ""} for text in wrong]
    value = {**_question(prompt, explanation="The SITS muscles.", **kwargs), "choices": choices}
    return ("multiple_select", {**value, "partial_credit": partial_credit})


def true_false(prompt="Deep pressure over an acute bursitis is appropriate.", answer=False, **kwargs):
    value = _question(prompt, explanation="Acute bursitis is a local contraindication.", **kwargs)
    right, wrong = "Right.", "No."
    feedback = {"feedback_if_true": right if answer else wrong, "feedback_if_false": wrong if answer else right}
    return ("true_false", {**value, "answer": answer, **feedback})


def matching(
    prompt="Match each muscle to its action.",
    pairs=(("Supraspinatus", "Abduction"), ("Infraspinatus", "Lateral rotation"), ("Subscapularis", "Medial rotation")),
    partial_credit=False,
    **kwargs,
):
    value = _question(prompt, explanation="The cuff's actions.", **kwargs)
    pair_values = [{"left": left, "right": right} for left, right in pairs]
    return ("matching", {**value, "pairs": pair_values, "partial_credit": partial_credit})


def image_question(image, prompt="Identify the muscle outlined on this posterior view of the shoulder."):
    wrong = ("Teres major", "Rhomboid major", "Levator scapulae")
    _, value = single_choice(prompt=prompt, right="Infraspinatus", wrong=wrong)
    alt = "Posterior view of the scapula, one muscle outlined"
    return ("image_question", {**value, "image": image, "image_alt": alt})


def short_answer(prompt="Which muscle elevates the scapula along with the upper trapezius?", accepted=None, **kwargs):
    accepted = accepted or [("Levator scapulae", 100), ("levator*", 50)]
    value = _question(prompt, explanation="The levator scapulae.", **kwargs)
    answers = [{"text": text, "weight": Decimal(weight), "feedback": f"You wrote {text}."} for text, weight in accepted]
    return ("short_answer", {**value, "answers": answers, "case_sensitive": False})


def numerical(prompt="How many minutes make one CE hour?", value="50", tolerance="0", any_other=None, **kwargs):
    """`any_other`: the feedback for any other number, which earns 0% (Moodle's `*` answer)."""
    answers = [{"value": Decimal(value), "tolerance": Decimal(tolerance), "weight": Decimal(100), "feedback": ""}]
    if any_other is not None:
        answers.append({"value": None, "tolerance": Decimal(0), "weight": Decimal(0), "feedback": any_other})
    return ("numerical", {**_question(prompt, explanation="Boards count 50 minutes.", **kwargs), "answers": answers})


def essay(prompt="Explain why deep pressure is avoided over an acute DVT.", grader_info="Mentions embolism.", **kwargs):
    value = _question(prompt, **kwargs)
    return ("essay", {**value, "grader_info": RichText(f"<p>{grader_info}</p>" if grader_info else "")})


def description(text="Read the case: a client, 54, two weeks after knee surgery."):
    return ("description", {"text": RichText(f"<p>{text}</p>")})


def pool(title="Rotator cuff", draw=1, questions=()):
    return ("pool", {"title": title, "draw": draw, "questions": list(questions)})


def mixed_questions(count: int = 4) -> list:
    """`count` questions cycling through single choice, multiple select, true/false and matching."""
    makers = [single_choice, multiple_select, true_false, matching]
    return [makers[i % len(makers)](prompt=f"Question {i + 1}?") for i in range(count)]


class QuizPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = QuizPage

    title = "Final assessment"
    slug = factory.Sequence(lambda n: f"assessment-{n}")
    kind = QuizKind.FINAL
    shuffle_questions = False
    shuffle_choices = False
    questions = factory.LazyFunction(mixed_questions)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # From the database, so that every block (pools' questions too) carries the id it was saved with.
        return QuizPage.objects.get(pk=super()._create(model_class, *args, **kwargs).pk)


def answer_form(answers: dict) -> dict:
    """Answers in the shape grading reads, as the attempt form posts them."""
    data = {}
    for key, answer in answers.items():
        if isinstance(answer, dict):  # matching: left item -> right item
            data.update({f"q.{key}.{left}": right for left, right in answer.items()})
        else:
            data[f"q.{key}"] = answer
    return data


def right_answer_form(attempt) -> dict:
    """Form fields that answer every question of the attempt correctly."""
    return answer_form(right_answers(attempt.questions))


def wrong_answer_form(attempt) -> dict:
    """Form fields that answer every question of the attempt wrongly."""
    data = {}
    for question in attempt.questions:
        name = f"q.{question['key']}"
        if question["kind"] == "matching":
            pairs = question["pairs"]
            for pair, other in zip(pairs, pairs[1:] + pairs[:1], strict=True):
                data[f"{name}.{pair['left_key']}"] = other["right_key"]
        elif question["kind"] in ("short_answer", "essay"):
            data[name] = "Not the answer"
        elif question["kind"] == "numerical":
            data[name] = "-12345"
        elif question["kind"] == "description":
            continue
        else:
            data[name] = [next(choice["key"] for choice in question["choices"] if not choice["correct"])]
    return data
