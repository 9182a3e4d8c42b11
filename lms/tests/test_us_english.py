"""Every page a practitioner or a regulator reads on the seeded demo is written in US English.

The site's readers are US boards and practitioners: "license", "catalog", "enroll", "practice" as a
verb. The pages are rendered over the real demo, so text from templates, forms, messages and the
demo's own content are all read as a person sees them (tags, scripts and attributes left out, since
class names and URLs are not read)."""

import io
import re

from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from accounts.selectors import licences_for_user
from certificates.models import Certificate
from courses.models import CourseIndexPage, CoursePage, LessonPage
from quizzes.models import QuizPage

# British spellings and words, each with the US word a reader expects.
BRITISH = {
    r"\blicences?\b": "license",
    r"\blicenced\b": "licensed",
    r"\bcatalogues?\b": "catalog",
    r"\benrol(s|ment|ments)?\b": "enroll, enrollment",
    r"\bpractis(e|es|ed|ing)\b": "practice (the verb)",
    r"\bcolours?\b": "color",
    r"\bcentres?\b": "center",
    r"\bbehaviours?\b": "behavior",
    r"\bhonours?\b": "honor",
    r"\bcancelled\b|\bcancelling\b": "canceled, canceling",
    r"\borganis(e|es|ed|ing|ation|ations)\b": "organize, organization",
    r"\brecognis(e|es|ed|ing)\b": "recognize",
    r"\bauthoris(e|es|ed|ing|ation)\b": "authorize, authorization",
    r"\bminimis(e|es|ed|ing)\b": "minimize",
    r"\banalys(e|ed|ing)\b": "analyze",
    r"\bprogrammes?\b": "program",
    r"\bjudgement\b": "judgment",
    r"\bfavour(s|ite|ites)?\b": "favor, favorite",
    r"\bdefences?\b": "defense",
    r"\boffences?\b": "offense",
    r"\bpaediatric|\borthopaedic|\boedema\b|\bhaemo": "pediatric, orthopedic, edema, hemo-",
    r"\bfulfil\b|\bfulfilment\b": "fulfill, fulfillment",
    r"\bwhilst\b": "while",
    r"\bmodelling\b|\blabelled\b|\btravelled\b": "modeling, labeled, traveled",
}


def readable_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for hidden in soup(["script", "style", "template"]):
        hidden.decompose()
    readable = [soup.get_text(" ")]
    # What assistive technology and tooltips read is read too.
    for attribute in ("aria-label", "title", "alt", "placeholder"):
        readable += [element[attribute] for element in soup.find_all(attrs={attribute: True})]
    buttons = soup.find_all("input", type=["submit", "button"])
    readable += [button["value"] for button in buttons if button.get("value")]
    return " ".join(readable)


def british_words(text: str) -> list[str]:
    found = []
    for pattern, american in BRITISH.items():
        for match in re.finditer(pattern, text, flags=re.IGNORECASE):
            context = text[max(0, match.start() - 40) : match.end() + 40].replace("\n", " ")
            found.append(f"“{match.group(0)}” (US: {american}) in …{' '.join(context.split())}…")
    return found


def test_british_spellings_are_found_in_what_a_person_reads_and_not_in_markup():
    text = readable_text(
        '<p class="licence-table">Enrol today in our catalogue</p><a title="Your licences" href="/licences/">Go</a>'
        "<script>const colour = 1;</script><p>Your license and enrollment</p>"
    )

    assert [word.split("”")[0].lstrip("“") for word in british_words(text)] == ["licences", "catalogue", "Enrol"]


class UsEnglishTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=io.StringIO())

    def assert_us_english(self, urls):
        problems = []
        for url in urls:
            response = self.client.get(url, follow=True)
            # A mistyped code is answered 400 and a missing page 404, each with a page to read.
            assert response.status_code in (200, 400, 404), f"{url} answered {response.status_code}"
            problems += [f"{url}: {word}" for word in british_words(readable_text(response.content.decode()))]
        assert problems == [], "\n".join(problems)

    def test_public_pages(self):
        catalog = CourseIndexPage.objects.live().get()
        courses = CoursePage.objects.live()
        preview = LessonPage.objects.live().filter(is_free_preview=True).first()
        certificates = Certificate.objects.order_by("revoked_at")
        self.assert_us_english(
            [
                "/",
                catalog.url,
                catalog.url + "?q=fibro",
                *[course.url for course in courses],
                *([preview.url] if preview else []),
                QuizPage.objects.live().first().url,
                reverse("certificates:verify_form"),
                *[reverse("certificates:verify", args=[certificate.printed_code]) for certificate in certificates],
                reverse("certificates:verify", args=["7K3M-9QXR-T2HW-0"]),
                reverse("privacy"),
                reverse("terms"),
                reverse("account_login"),
                reverse("account_signup"),
                reverse("account_reset_password"),
                "/audit/",
                "/no-such-page/",
            ]
        )

    def test_a_practitioners_pages(self):
        practitioner = get_user_model().objects.get(email="practitioner@example.com")
        self.client.force_login(practitioner)
        licence = licences_for_user(user=practitioner).first()
        course = CoursePage.objects.live().first()
        self.assert_us_english(
            [
                reverse("courses:dashboard"),
                reverse("certificates:mine"),
                reverse("accounts:profile"),
                reverse("accounts:onboarding"),
                reverse("accounts:licence_add"),
                reverse("accounts:licence_edit", args=[licence.pk]),
                reverse("accounts:licence_delete", args=[licence.pk]),
                reverse("credits:record"),
                reverse("credits:report"),
                reverse("credits:transcript_full"),
                reverse("credits:transcript", args=[licence.pk]),
                course.url,
                LessonPage.objects.child_of(course).live().first().url,
                reverse("account_email"),
                reverse("account_change_password"),
            ]
        )
