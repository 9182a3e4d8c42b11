"""Builds the demo site through the page API and the services, never from a fixture.

It only adds what is missing, so running it again changes nothing, and it never overwrites
what an editor has changed since.
"""

import datetime
import io
import json
import math
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import weasyprint
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.html import escape
from PIL import Image, ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from accounts.services import licence_create
from certificates import steps
from certificates.credentials import credential_sign, status_list_sign
from certificates.keys import signing_key, signing_key_adopt, signing_key_create
from certificates.models import Certificate
from certificates.pdf import certificate_pdf_store
from certificates.services import certificate_revoke
from courses.media import page_media_make_private
from courses.models import (
    CourseApproval,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    EnrollmentSource,
    Instructor,
    LessonPage,
    LessonProgress,
    Topic,
)
from courses.services import (
    authoring_roles_setup,
    enrollment_create_free,
    enrollment_grant,
    lesson_question_answer,
    lesson_question_ask,
)
from credits.models import Board, CreditCategory, CreditEntry, EntrySource, Regulator, ReviewStatus
from credits.services import reported_credit_create, reported_credit_review
from lms.models import HomePage, ProviderSettings, base_url
from quizzes import gift
from quizzes.models import AnswerReveal, QuizKind, QuizPage
from quizzes.presentation import right_answers
from quizzes.services import attempt_start

from . import reference, renewal_rules
from .diagrams import diagram_svg
from .images import cover_webp
from .provider_marks import logo_png, signature_png

EARLIER_DEMO_ADDRESS = ("localhost", 80)
COURSES_DIR = Path(__file__).parent / "courses"
QUIZZES_DIR = Path(__file__).parent / "quizzes"


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    certificates: list = field(default_factory=list)
    site: Site | None = None


def load_course_files() -> list[dict]:
    return [tomllib.loads(path.read_text("utf-8")) for path in sorted(COURSES_DIR.glob("*.toml"))]


@transaction.atomic
def seed_demo() -> SeedReport:
    report = SeedReport()
    home, report.site = _home_and_site(report)
    catalogue = _catalogue(home, report)
    _provider_settings(report.site, report)
    topics = _by_key(Topic, "slug", [dict(slug=s, name=n, description=d) for s, n, d in reference.TOPICS], report)
    categories = _by_key(
        CreditCategory,
        "slug",
        [dict(slug=s, name=n) for s, n in [*reference.CREDIT_CATEGORIES, *renewal_rules.RULE_CATEGORIES]],
        report,
    )
    boards = _by_key(
        Board, "code", [dict(code=c, name=n, jurisdiction=j, website=w) for c, n, j, w in reference.BOARDS], report
    )
    _licence_number_patterns(boards, report)
    _provider_numbers(boards, report)
    for rule in renewal_rules.renewal_rules_seed(boards=boards, categories=categories):
        report.created.append(f"renewal rule for {rule.board.code} (example data)")
    instructors = _by_key(
        Instructor,
        "slug",
        [dict(slug=s, name=n, credentials=c, bio=b) for s, n, c, b in reference.INSTRUCTORS],
        report,
    )
    authoring_roles_setup(catalogue=catalogue)
    for data in load_course_files():
        course = _course(
            catalogue, data, topics=topics, categories=categories, boards=boards, instructors=instructors, report=report
        )
        for position, lesson_data in enumerate(data["lessons"]):
            # The first lesson of each course is open to all, to show what the course is like.
            _lesson(course, lesson_data, report, is_free_preview=position == 0)
        _final_assessment(course, report)
        if not course.live:
            # Last, as a reviewer would: a course goes live only once its lessons and final meet the boards' rules.
            course.get_latest_revision().publish()
    report.users = [_user(spec, report, boards=boards) for spec in reference.USERS]
    _demo_signing_key(report)
    _demo_study(catalogue, instructors, report)
    report.certificates = [
        _demo_certificate(catalogue, slug, reason, report) for slug, reason in reference.DEMO_CERTIFICATES
    ]
    _demo_regulator(boards, report)
    _demo_reported_credits(boards, categories, report)
    return report


def _home_and_site(report):
    root = Page.get_first_root_node()
    home = HomePage.objects.child_of(root).first()
    if home is None:
        # A fresh database holds Wagtail's "Welcome" page as the site root: replace it.
        welcome = Page.objects.child_of(root).filter(content_type=ContentType.objects.get_for_model(Page))
        Site.objects.filter(root_page__in=welcome).update(root_page=root)
        welcome.delete()
        home = HomePage(
            title=reference.HOME["title"],
            slug="home",
            hero_heading=reference.HOME["hero_heading"],
            hero_text=reference.HOME["hero_text"],
        )
        _publish_child(root, home)
        report.created.append("home page")
    hostname, port = _served_at()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site.objects.create(hostname=hostname, port=port, root_page=home, is_default_site=True)
        report.created.append("site")
    elif (site.hostname, site.port) == EARLIER_DEMO_ADDRESS != (hostname, port):
        # Demos seeded before the site took its address from BASE_URL sat at http://localhost.
        site.hostname, site.port = hostname, port
        site.save()
        report.created.append(f"site address {site.root_url}")
    # The admin names the site by its site_name, or by its host name ("localhost") when it has none.
    if site.root_page_id != home.pk or not site.site_name:
        site.root_page = home
        site.site_name = site.site_name or settings.WAGTAIL_SITE_NAME
        site.save()
    return home, site


def _served_at() -> tuple[str, int]:
    """The host name and port of BASE_URL, where `make run` serves the demo."""
    address = urlsplit(base_url())
    return address.hostname, address.port or (443 if address.scheme == "https" else 80)


def _catalogue(home, report):
    catalogue = CourseIndexPage.objects.child_of(home).first()
    if catalogue is None:
        catalogue = CourseIndexPage(**reference.CATALOGUE)
        _publish_child(home, catalogue)
        report.created.append("catalog")
    return catalogue


def _provider_settings(site, report):
    """The demo provider's details and purchase policies, each filled in where an editor has left it blank."""
    provider = ProviderSettings.for_site(site)
    blank = {name: value for name, value in reference.PROVIDER.items() if not str(getattr(provider, name)).strip()}
    if blank:
        for name, value in blank.items():
            setattr(provider, name, value)
        provider.full_clean()
        provider.save()
        report.created.extend(f"provider's {ProviderSettings._meta.get_field(name).verbose_name}" for name in blank)
    # The logo and the administrator's signature that every certificate prints, where none is uploaded.
    marks = {
        "logo": ("Logo: Medical Massage CE (demo)", logo_png),
        "signature": (f"Signature: {provider.signatory_name} (demo)", lambda: signature_png(provider.signatory_name)),
    }
    for name, (title, draw) in marks.items():
        if getattr(provider, f"{name}_id") is None:
            image = get_image_model()(title=title)
            image.file = ImageFile(io.BytesIO(draw()), name=f"provider-{name}.png")
            image.save()
            setattr(provider, name, image)
            provider.save(update_fields=[name])
            report.created.append(f"provider's {name}")


def _licence_number_patterns(boards, report):
    """Gives each board its licence-number form, unless an editor has set one (or an example) already."""
    for code, (pattern, example) in reference.BOARD_LICENCE_NUMBERS.items():
        board = boards[code]
        if not board.licence_number_pattern and not board.licence_number_example:
            board.licence_number_pattern, board.licence_number_example = pattern, example
            board.full_clean()
            board.save(update_fields=["licence_number_pattern", "licence_number_example"])
            report.created.append(f"license number format for {code}")


def _provider_numbers(boards, report):
    for code, number in reference.BOARD_PROVIDER_NUMBERS.items():
        board = boards[code]
        if not board.provider_number:
            board.provider_number = number
            board.save(update_fields=["provider_number"])
            report.created.append(f"provider number with {code}")


def _by_key(model, key, rows, report):
    objects = {}
    for row in rows:
        obj, created = model.objects.get_or_create(**{key: row[key]}, defaults=row)
        if created:
            report.created.append(f"{model._meta.verbose_name} {row[key]}")
        objects[row[key]] = obj
    return objects


def _course(catalogue, data, *, topics, categories, boards, instructors, report):
    existing = CoursePage.objects.child_of(catalogue).filter(slug=data["slug"]).first()
    if existing:
        _cover_image(data)  # an earlier demo's gradient cover is drawn anew, in place
        return existing
    course = CoursePage(
        title=data["title"],
        slug=data["slug"],
        summary=data["summary"],
        description=data["description"].strip(),
        learning_objectives=[("objective", objective) for objective in data["learning_objectives"]],
        topic=topics[data["topic"]],
        level=data["level"],
        delivery=data["delivery"],
        ce_hours=Decimal(data["ce_hours"]),
        min_study_minutes=data["min_study_minutes"],
        price_amount=data["price"],
        price_currency=data["currency"],
        evaluation_required=data["evaluation_required"],
        cover_image=_cover_image(data),
    )
    course.instructors = [instructors[slug] for slug in data["instructors"]]
    approvals = []
    for position, approval in enumerate(data["approvals"]):
        row = CourseApproval(
            sort_order=position,
            board=boards[approval["board"]],
            number=approval["number"],
            approved_title=approval["title"],
            approved_hours=Decimal(approval["hours"]),
            delivery=approval["delivery"],
            expires_on=_date(approval["expires_on"]),
        )
        row.categories = [categories[slug] for slug in approval["categories"]]
        approvals.append(row)
    course.approvals = approvals
    catalogue.add_child(instance=course)
    course.save_revision()
    page_media_make_private(page=course)
    report.created.append(f"course {course.slug}")
    return course


def _cover_image(data):
    """The course's cover, drawn by lms.demo.images; an editor's described image is left as it is."""
    image_model = get_image_model()
    cover = data["cover"]
    title = f"Cover: {data['title']}"
    image = image_model.objects.filter(title=title).first()
    if image is None:
        image = image_model(title=title)
    elif image.description:
        return image
    else:
        # Seeded before the covers were drawn: the gradient, undescribed, gives way to the drawing.
        image.renditions.all().delete()
    image.description = cover["alt"]
    image.file = ImageFile(io.BytesIO(cover_webp(cover["drawing"])), name=f"cover-{cover['drawing']}.webp")
    image._set_image_file_metadata()
    image.save()
    return image


def _diagram_image(block):
    """A labelled diagram from lms.demo.diagrams, stored as SVG so that its labels stay text."""
    image_model = get_image_model()
    title = f"Diagram: {block['title']}"
    image = image_model.objects.filter(title=title).first()
    if image is None:
        image = image_model(title=title, description=block["alt"])
        image.file = ImageFile(io.BytesIO(diagram_svg(block["diagram"])), name=f"diagram-{block['diagram']}.svg")
        image.save()
    return image


def _lesson(course, data, report, *, is_free_preview):
    if LessonPage.objects.child_of(course).filter(slug=data["slug"]).exists():
        return
    body_block = LessonPage._meta.get_field("body").stream_block
    body = body_block.to_python([_block(block) for block in data["blocks"]])
    body_block.clean(body)  # StreamField validation only runs in the admin form; check it here.
    lesson = LessonPage(
        title=data["title"],
        slug=data["slug"],
        summary=data.get("summary", ""),
        is_free_preview=is_free_preview,
        body=body,
    )
    _publish_child(course, lesson)
    report.created.append(f"lesson {course.slug}/{lesson.slug}")


def _block(block):
    kind = block["type"]
    if kind == "heading":
        return {"type": kind, "value": block["text"]}
    if kind == "paragraph":
        return {"type": kind, "value": block["html"].strip()}
    if kind == "callout":
        value = {"kind": block["kind"], "title": block.get("title", ""), "text": block["html"].strip()}
        return {"type": kind, "value": value}
    if kind == "technique_steps":
        steps = [{"text": f"<p>{escape(step)}</p>", "image": None, "image_alt_text": ""} for step in block["steps"]]
        return {"type": kind, "value": {"title": block["title"], "steps": steps}}
    if kind == "figure":
        value = {
            "image": _diagram_image(block).pk,
            "alt_text": block["alt"],
            "caption": block["caption"],
            "credit": block.get("credit", ""),
        }
        return {"type": "image", "value": value}
    raise ValueError(f"Unknown lesson block type {kind!r}")


def _user(spec, report, *, boards):
    user_model = get_user_model()
    user = user_model.objects.filter(email=spec["email"]).first()
    if user is None:
        user = user_model.objects.create_user(
            email=spec["email"],
            password=spec["password"],
            legal_name=spec["legal_name"],
            first_name=spec["first_name"],
            last_name=spec["last_name"],
            is_superuser=spec.get("is_superuser", False),
            is_staff=spec.get("is_superuser", False),
        )
        user.groups.set(Group.objects.filter(name__in=spec["groups"]))
        EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
        report.created.append(f"user {user.email}")
    for licence in spec.get("licences", []):
        board = boards[licence["board"]]
        if not user.licences.filter(board=board, number=licence["number"]).exists():
            licence_create(
                user=user,
                board=board,
                number=licence["number"],
                jurisdiction=licence["jurisdiction"],
                expires_on=_date(licence["expires_on"]),
            )
            report.created.append(f"license {licence['board']} {licence['number']} for {user.email}")
    return {"email": spec["email"], "password": spec["password"], "role": spec["role"]}


def _demo_study(catalogue, instructors, report):
    """Enrols the demo practitioner in a free course with its first lesson done and a question answered,
    through the same services the site uses."""
    spec = reference.DEMO_STUDY
    users = get_user_model().objects
    practitioner = users.get(email=spec["practitioner"])
    instructor_email, instructor_slug = spec["instructor"]
    instructor = instructors[instructor_slug]
    if instructor.user_id is None:
        instructor.user = users.get(email=instructor_email)
        instructor.save()
    course = CoursePage.objects.child_of(catalogue).get(slug=spec["course"])
    if Enrollment.objects.filter(user=practitioner, course=course).exists():
        return
    enrollment_create_free(user=practitioner, course=course)
    first_lesson = LessonPage.objects.child_of(course).order_by("path").first()
    steps.lesson_complete(user=practitioner, lesson=first_lesson)
    question = lesson_question_ask(user=practitioner, lesson=first_lesson, text=spec["question"])
    lesson_question_answer(user=instructor.user, question=question, text=spec["answer"])
    report.created.append(f"enrollment of {practitioner.email} in {course.slug}")


def _demo_signing_key(report):
    """A signing key for the demo's credentials, in the file the development settings name (ignored
    by git); with no file configured, certificates are issued unsigned."""
    path = settings.CERTIFICATE_SIGNING_KEY_FILE
    if not path or settings.CERTIFICATE_SIGNING_KEY:
        return
    if not Path(path).exists():
        report.created.append(f"signing key {signing_key_create(path=Path(path)).key_id} in {path}")
    else:
        signing_key_adopt(path=Path(path))  # kept from an earlier demo database: published again here


def _demo_certificate(catalogue, slug, revocation_reason, report):
    """The demo practitioner completes the course the way the site records it (every lesson, the
    study time, a passing attempt at the final assessment, the evaluation) and gets its certificate."""
    practitioner = get_user_model().objects.get(email=reference.DEMO_STUDY["practitioner"])
    course = CoursePage.objects.child_of(catalogue).get(slug=slug)
    existing = Certificate.objects.filter(enrollment__user=practitioner, enrollment__course=course).first()
    if existing:
        if existing.credential and not json.loads(existing.credential)["id"].startswith(base_url() + "/"):
            _sign_again_where_the_demo_runs(existing, report)
        if not existing.credential:
            credential_sign(existing.pk)  # seeded before a key was configured
            existing.refresh_from_db()
        return existing
    enrollment = enrollment_grant(user=practitioner, course=course, source=EnrollmentSource.STAFF)
    lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
    per_lesson = math.ceil(course.min_study_minutes * 60 / len(lessons))
    for lesson in lessons:
        steps.lesson_complete(user=practitioner, lesson=lesson)
        LessonProgress.objects.filter(enrollment=enrollment, lesson=lesson).update(study_seconds=per_lesson)
    quiz = QuizPage.objects.child_of(course).live().get()
    attempt = attempt_start(quiz=quiz, user=practitioner)
    outcome = steps.quiz_attempt_submit(attempt=attempt, answers=right_answers(attempt.questions)).completion
    if course.evaluation_required:
        evaluation = reference.DEMO_EVALUATION
        outcome = steps.course_evaluation_submit(user=practitioner, course=course, answers=evaluation).completion
    if outcome.certificate is None:
        raise RuntimeError(
            f"The demo certificate for {course.slug} was not issued: {outcome.held_back or outcome.blockers}"
        )
    certificate = outcome.certificate
    if revocation_reason:
        certificate_revoke(certificate=certificate, by=None, skip_permission_checks=True, reason=revocation_reason)
    report.created.append(f"certificate {certificate.printed_code} for {course.slug}")
    return certificate


def _sign_again_where_the_demo_runs(certificate, report):
    """A demo certificate signed at an earlier address of the demo (its credential names that address
    and the issuer's host, which moved with the site) is signed anew here, with its status list and PDF,
    so that the demo's credentials verify where it runs. Only the seed's own certificates are re-signed."""
    try:
        signing_key()
    except ImproperlyConfigured:
        return  # kept as signed: with no key, clearing it would leave the certificate with none
    Certificate.objects.filter(pk=certificate.pk).update(credential="")
    credential_sign(certificate.pk)
    status_list_sign(certificate.status_list_id)
    certificate.refresh_from_db()
    certificate_pdf_store(certificate)
    report.created.append(f"signed credential of {certificate.printed_code} at {base_url()}")


def _demo_regulator(boards, report):
    """Binds the demo regulator to the board whose licensees they audit."""
    spec = reference.DEMO_REGULATOR
    user = get_user_model().objects.get(email=spec["email"])
    _, created = Regulator.objects.get_or_create(user=user, defaults={"board": boards[spec["board"]]})
    if created:
        report.created.append(f"regulator {user.email} for {spec['board']}")


def _demo_reported_credits(boards, categories, report):
    """Credits the demo practitioner reports from elsewhere, through the report form's service, each with a
    proof it checks as an upload; the demo reviewer verifies those the reference marks so."""
    practitioner = get_user_model().objects.get(email=reference.DEMO_STUDY["practitioner"])
    users = get_user_model().objects
    for spec in reference.DEMO_REPORTED_CREDITS:
        reported = CreditEntry.objects.filter(user=practitioner, source=EntrySource.REPORTED, title=spec["title"])
        if reported.exists():
            continue
        data = {
            "title": spec["title"],
            "provider_name": spec["provider_name"],
            "provider_number": spec["provider_number"],
            "board": boards[spec["board"]],
            "completed_on": _date(spec["completed_on"]),
            "hours": Decimal(spec["hours"]),
            "delivery": spec["delivery"],
            "categories": [categories[slug] for slug in spec["categories"]],
        }
        entry = reported_credit_create(user=practitioner, data=data, proof=_demo_proof(spec, practitioner))
        if spec["verified_by"]:
            reviewer = users.get(email=spec["verified_by"])
            # The demo reviewer has not set up two-factor yet, which the review screen asks of a person.
            reported_credit_review(entry=entry, by=reviewer, verdict=ReviewStatus.VERIFIED, skip_permission_checks=True)
        state = "verified" if spec["verified_by"] else "awaiting review"
        report.created.append(f"reported credit {spec['title']} ({state})")


def _demo_proof(spec, practitioner) -> ContentFile:
    """A certificate of completion as another provider might send it: a PDF, or a photo of one as PNG."""
    completed = _date(spec["completed_on"])
    lines = [
        spec["provider_name"],
        "Certificate of completion",
        practitioner.legal_name,
        spec["title"],
        f"{spec['hours']} CE hours, {spec['delivery'].replace('_', ' ')}, completed {completed:%B} {completed.day}, "
        f"{completed.year}",
        f"Provider number {spec['provider_number']}",
    ]
    if spec["proof"] == "pdf":
        html = "".join(f"<p>{escape(line)}</p>" for line in lines)
        return ContentFile(weasyprint.HTML(string=f"<h1>{escape(lines[1])}</h1>{html}").write_pdf(), name="proof.pdf")
    image = Image.new("RGB", (900, 40 + 36 * len(lines)), "white")
    try:
        # Pillow's own font lacks the Vietnamese letters of the demo practitioner's name; DejaVu has them.
        font = ImageFont.truetype("DejaVuSans.ttf", 22)
    except OSError:
        font = ImageFont.load_default(22)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((30, 20 + 36 * number), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name="proof.png")


def _final_assessment(course, report):
    """The course's final test, from its GIFT bank in lms/demo/quizzes/, through the same importer instructors use."""
    bank = QUIZZES_DIR / f"{course.slug}.gift"
    if not bank.exists() or QuizPage.objects.child_of(course).filter(slug="final-assessment").exists():
        return
    quiz = QuizPage(
        title="Final assessment",
        slug="final-assessment",
        kind=QuizKind.FINAL,
        intro="<p>Answer every question from the course's lessons. You may retake the test after an hour.</p>",
        max_attempts=3,
        wait_minutes=60,
        time_limit_minutes=30,
        reveal=AnswerReveal.AFTER_PASSING,
        questions=gift.parse(bank.read_text("utf-8")),
    )
    _publish_child(course, quiz)
    report.created.append(f"final assessment {course.slug} ({len(quiz.questions)} questions)")


def _publish_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    page_media_make_private(page=page)  # as the editor's save does: a locked page's files go private


def _date(value):
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)
