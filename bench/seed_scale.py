"""Fills a scratch PostgreSQL database with a national provider's data, for bench/run.

    .venv/bin/python bench/seed_scale.py ce_scale [--server postgres://postgres@127.0.0.1:5432]
        [--practitioners 100000] [--courses 200] [--enrollments 1000000] [--certificates 500000]
        [--attempts 100000] [--fresh]

The database is named on the command line and created here, marked with a comment; any other
database (one without the mark, or DATABASE_URL naming another) is refused, since the seed writes
pages, users and certificates. --fresh drops a marked database and starts again.

The content is real: `seed_demo` builds the demo's six courses through the Wagtail page API (lessons,
final assessments, approvals, boards, renewal rules, the provider), and the rest of the catalog is
copies of them made with Page.copy. Practitioners, licenses, enrollments, lesson progress,
evaluations, certificates (codes as certificates.codes makes them, snapshots as
certificates.services builds them), their CE record entries (as credits.services records them) and
the passing attempts at the finals are written with COPY, copied from real rows made first for the
bench practitioner, bench@example.com (password bench-practitioner-2026), who has completed every
course: 200 completions and their ledger entries, as the issue's targets ask.
"""

import argparse
import datetime
import json
import math
import os
import random
import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import psycopg
from psycopg import sql

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MARK = "ce bench scratch database (bench/seed_scale.py)"
BENCH_EMAIL = "bench@example.com"
BENCH_PASSWORD = "bench-practitioner-2026"  # noqa: S105 (a published bench account on a scratch database)
FIRST_NAMES = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Iris",
    "Jamal",
    "Kai",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
]
LAST_NAMES = [
    "Abbott",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Haddad",
    "Ito",
    "Jensen",
    "Kim",
    "Lopez",
    "Moreau",
    "Nguyen",
    "Okafor",
    "Patel",
    "Rossi",
    "Silva",
    "Tanaka",
    "Weber",
]
BATCH_USERS = 5000


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", help="the scratch database to create and fill, e.g. ce_scale")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--practitioners", type=int, default=100_000)
    parser.add_argument("--courses", type=int, default=200)
    parser.add_argument("--enrollments", type=int, default=1_000_000)
    parser.add_argument("--certificates", type=int, default=500_000)
    parser.add_argument("--attempts", type=int, default=100_000, help="passing final attempts, of the certificates")
    parser.add_argument("--revoked", type=float, default=0.005, help="share of certificates revoked")
    parser.add_argument("--fresh", action="store_true", help="drop the (marked) database first")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    if not re.fullmatch(r"[a-z][a-z0-9_]{2,40}", args.database) or args.database in {
        "postgres",
        "template0",
        "template1",
    }:
        parser.error("name a scratch database: lower-case letters, digits and underscores, not postgres or a template")
    if args.certificates > args.enrollments or args.enrollments > args.practitioners * args.courses:
        parser.error("certificates <= enrollments <= practitioners x courses")
    args.attempts = min(args.attempts, args.certificates)
    return args


def prepare_database(args) -> str:
    """Creates the marked scratch database (or refuses), and returns its URL."""
    url = f"{args.server.rstrip('/')}/{args.database}"
    named = os.environ.get("DATABASE_URL")
    if named and named.rstrip("/").rsplit("/", 1)[-1] != args.database:
        sys.exit(f"DATABASE_URL names another database than {args.database}: refusing to write to it.")
    with psycopg.connect(f"{args.server.rstrip('/')}/postgres", autocommit=True) as admin:
        comment = admin.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [args.database]
        ).fetchone()
        if comment is not None and comment[0] != MARK:
            sys.exit(f"{args.database} exists and was not made by this script: refusing to touch it.")
        if comment is not None and not args.fresh:
            sys.exit(f"{args.database} is already seeded; add --fresh to drop it and seed again.")
        if comment is not None:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(args.database)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))
        admin.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(args.database), sql.Literal(MARK)))
    return url


def setup_django(url: str):
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.dev"  # seed_demo's settings; DEBUG off below
    os.environ["DJANGO_DEBUG"] = "false"  # no query log growing through a million rows
    import django

    django.setup()


STARTED = time.perf_counter()


def step(label):
    print(f"{time.perf_counter() - STARTED:7.1f} s  {label}", flush=True)


def main():
    args = parse_args()
    url = prepare_database(args)
    setup_django(url)
    from django.core.management import call_command

    begun = time.perf_counter()
    call_command("migrate", verbosity=0)
    step("migrated")
    from lms.demo.seed import seed_demo

    seed_demo()
    step("seed_demo: the demo's site, six courses, boards, rules and users")
    Seeder(args).run()
    elapsed = time.perf_counter() - begun
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    print(f"seeded {args.database} in {elapsed:.0f} s; database size {size / 2**20:,.0f} MiB")


class Seeder:
    def __init__(self, args):
        self.args = args
        self.rng = random.Random(args.seed)
        self.codes = set()

    def run(self):
        from django.utils import timezone

        self.now = timezone.now()
        self.courses = self.catalogue()
        step(f"catalog of {len(self.courses)} courses")
        self.course_facts = [self.facts_of(course) for course in self.courses]
        self.boards = self.board_facts()
        self.ids = {name: self.next_id(model) for name, model in self.models().items()}
        self.first_certificate = self.ids["certificate"]  # the demo's own certificates have their attempts
        self.practitioners()
        self.template_attempts()
        self.copied_attempts()
        self.reset_sequences()

    # --- models and COPY -------------------------------------------------------------------------

    def models(self):
        from django.contrib.auth import get_user_model

        from accounts.models import Licence
        from certificates.models import Certificate
        from courses.models import CourseEvaluation, Enrollment, LessonProgress
        from credits.models import CreditEntry
        from quizzes.models import QuizAttempt

        return {
            "user": get_user_model(),
            "licence": Licence,
            "enrollment": Enrollment,
            "progress": LessonProgress,
            "evaluation": CourseEvaluation,
            "certificate": Certificate,
            "entry": CreditEntry,
            "entry_category": CreditEntry.categories.through,
            "attempt": QuizAttempt,
        }

    def next_id(self, model) -> int:
        from django.db.models import Max

        return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1

    def take_id(self, name: str) -> int:
        self.ids[name] += 1
        return self.ids[name] - 1

    def copy(self, model, rows: list[dict]):
        """COPY rows (dicts by attribute name) into the model's table; unnamed fields take their default."""
        from django.db import connection, models

        if not rows:
            return
        fields = model._meta.concrete_fields
        columns = sql.SQL(", ").join(sql.Identifier(field.column) for field in fields)
        statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(model._meta.db_table), columns)
        defaults = {}
        for field in fields:
            if isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add):
                defaults[field.attname] = self.now
            elif field.has_default() and not callable(field.default):
                defaults[field.attname] = field.get_default()
            elif field.has_default():
                defaults[field.attname] = None  # resolved per row below
        with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
            for row in rows:
                values = []
                for field in fields:
                    value = row[field.attname] if field.attname in row else defaults.get(field.attname)
                    if value is None and field.attname not in row:
                        if field.has_default():
                            value = field.get_default()
                        elif not field.null and field.empty_strings_allowed:
                            value = ""
                    if isinstance(field, models.JSONField) and not isinstance(value, str):
                        value = json.dumps(value, ensure_ascii=False)
                    values.append(value)
                copy.write_row(values)

    def reset_sequences(self):
        from django.db import connection

        with connection.cursor() as cursor:
            for model in self.models().values():
                table = model._meta.db_table
                top = f"SELECT coalesce(max(id), 1) FROM {table}"  # noqa: S608 (our own table names)
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), ({top}))")

    # --- content ---------------------------------------------------------------------------------

    def catalogue(self):
        """The demo's courses and, up to --courses, copies of them made as an editor's copy makes them."""
        from courses.models import CourseIndexPage, CoursePage

        catalogue = CourseIndexPage.objects.get()
        originals = list(CoursePage.objects.child_of(catalogue).live().order_by("path"))
        for number in range(len(originals), self.args.courses):
            original = originals[number % len(originals)]
            round_ = number // len(originals)
            original.copy(
                recursive=True,
                to=catalogue,
                update_attrs={"title": f"{original.title} ({round_ + 1})", "slug": f"{original.slug}-{round_ + 1}"},
                keep_live=True,
                log_action=None,
            )
            if number % 20 == 0:
                step(f"copied {number + 1 - len(originals)} courses")
        return list(CoursePage.objects.child_of(catalogue).live().order_by("path")[: self.args.courses])

    def facts_of(self, course):
        """What the bulk rows need of a course, read as the services read it."""
        from certificates.services import certificate_snapshot
        from courses.models import LessonPage
        from lms.models import default_provider
        from quizzes.models import QuizPage

        approvals = list(course.approvals.select_related("board").prefetch_related("categories").order_by("sort_order"))
        current = [approval for approval in approvals if approval.is_current]
        lessons = list(LessonPage.objects.child_of(course).live().order_by("path").values_list("pk", flat=True))
        provider = default_provider()
        # The course's part of a certificate, built by the services' own function; holders vary per row.
        shape = SimpleNamespace(user=SimpleNamespace(legal_name="x", licences=_NoLicences()), course=course)
        shape.final_test_passed_at = self.now
        snapshot = certificate_snapshot(enrollment=shape, approvals=current, provider=provider, completed_at=self.now)
        return SimpleNamespace(
            pk=course.pk,
            free=course.is_free,
            lessons=lessons,
            per_lesson=math.ceil(course.min_study_minutes * 60 / max(len(lessons), 1)),
            quiz=QuizPage.objects.child_of(course).live().filter(kind="final").first(),
            approvals=current,
            categories={approval.pk: [c.pk for c in approval.categories.all()] for approval in current},
            snapshot=snapshot,
            provider_name=provider.name,
            evaluation=course.evaluation_required,
        )

    def board_facts(self):
        from credits.models import Board

        return list(Board.objects.order_by("code"))

    # --- practitioners and their records ---------------------------------------------------------

    def licence_number(self, board) -> str:
        """A number in the board's form: its example with the digits drawn afresh."""
        example = board.licence_number_example or "MA00000"
        for _ in range(20):
            number = re.sub(r"\d", lambda _: str(self.rng.randrange(10)), example)
            if board.licence_number_fits(number):
                return number
        return example

    def practitioners(self):
        from django.contrib.auth.hashers import PBKDF2PasswordHasher

        args = self.args
        hasher = PBKDF2PasswordHasher()
        # One real hash for all: hashing 100,000 passwords would take longer than the rest of the seed.
        password = hasher.encode(BENCH_PASSWORD, hasher.salt())
        per_user, extra = divmod(args.enrollments - len(self.courses), max(args.practitioners - 1, 1))
        course_indexes = list(range(len(self.courses)))
        enrollment_number = 0
        total_enrollments = args.enrollments
        for start in range(0, args.practitioners, BATCH_USERS):
            rows = {name: [] for name in self.models()}
            for index in range(start, min(start + BATCH_USERS, args.practitioners)):
                user_id = self.take_id("user")
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                bench = index == 0
                rows["user"].append(
                    {
                        "id": user_id,
                        "password": password,
                        "email": BENCH_EMAIL if bench else f"p{index:06d}@bench.example.com",
                        "first_name": first,
                        "last_name": last,
                        "legal_name": "Bench Practitioner" if bench else f"{first} {chr(65 + index % 26)}. {last}",
                        "date_joined": self.now - datetime.timedelta(days=self.rng.randrange(1, 1500)),
                        "is_active": True,
                    }
                )
                boards = self.boards[:3] if bench else self.rng.sample(self.boards, self.rng.choice([1, 1, 1, 2]))
                licences = []
                for board in boards:
                    number = self.licence_number(board)
                    licences.append((board, number))
                    rows["licence"].append(
                        {
                            "id": self.take_id("licence"),
                            "user_id": user_id,
                            "board_id": board.pk,
                            "number": number,
                            "jurisdiction": board.jurisdiction or "United States",
                            "expires_on": self.now.date() + datetime.timedelta(days=self.rng.randrange(30, 730)),
                        }
                    )
                holder = {
                    "name": rows["user"][-1]["legal_name"],
                    "licences": [
                        {
                            "board": board.code,
                            "board_name": board.name,
                            "number": number,
                            "jurisdiction": board.jurisdiction or "United States",
                        }
                        for board, number in sorted(licences, key=lambda pair: (pair[0].code, pair[1]))
                    ],
                }
                if bench:
                    chosen = course_indexes
                else:
                    count = min(per_user + (1 if index <= extra else 0), len(course_indexes))
                    chosen = self.rng.sample(course_indexes, count)
                for course_index in chosen:
                    completed = bench or (
                        (enrollment_number * args.certificates) // total_enrollments
                        != ((enrollment_number + 1) * args.certificates) // total_enrollments
                    )
                    enrollment_number += 1
                    self.enrollment(rows, user_id, holder, self.course_facts[course_index], completed=completed)
            for name, model in self.models().items():
                if name != "attempt":
                    self.copy(model, rows[name])
            step(f"{start + len(rows['user'])} practitioners, {enrollment_number} enrollments")

    def enrollment(self, rows, user_id, holder, course, *, completed: bool):
        from certificates.codes import new_code
        from courses.models import EnrollmentSource
        from credits.models import EntrySource, ReviewStatus

        enrolled_at = self.now - datetime.timedelta(
            days=self.rng.randrange(14, 1100), seconds=self.rng.randrange(86400)
        )
        enrollment_id = self.take_id("enrollment")
        row = {
            "id": enrollment_id,
            "user_id": user_id,
            "course_id": course.pk,
            "source": EnrollmentSource.FREE if course.free else EnrollmentSource.STAFF,
            "enrolled_at": enrolled_at,
        }
        rows["enrollment"].append(row)
        if not completed:
            return
        completed_at = enrolled_at + datetime.timedelta(days=self.rng.randrange(1, 14), hours=self.rng.randrange(24))
        row["completed_at"] = row["final_test_passed_at"] = completed_at
        for lesson in course.lessons:
            rows["progress"].append(
                {
                    "id": self.take_id("progress"),
                    "enrollment_id": enrollment_id,
                    "lesson_id": lesson,
                    "study_seconds": course.per_lesson,
                    "completed_at": completed_at - datetime.timedelta(hours=1),
                    "updated_at": completed_at,
                }
            )
        if course.evaluation:
            rows["evaluation"].append(
                {
                    "id": self.take_id("evaluation"),
                    "enrollment_id": enrollment_id,
                    **{name: self.rng.choice([3, 4, 4, 5, 5]) for name in EVALUATION_FIELDS},
                    "comments": "",
                    "submitted_at": completed_at,
                }
            )
        if not course.approvals:
            return  # held back, as completion_record holds it back
        while (code := new_code()) in self.codes:
            pass
        self.codes.add(code)
        completed_on = completed_at.date()
        revoked = self.rng.random() < self.args.revoked
        snapshot = {**course.snapshot, "holder": holder, "completed_on": completed_on.isoformat()}
        rows["certificate"].append(
            {
                "id": self.take_id("certificate"),
                "enrollment_id": enrollment_id,
                "code": code,
                "kind": "achievement",
                "completed_on": completed_on,
                "issued_at": completed_at,
                "snapshot": snapshot,
                "revoked_at": completed_at + datetime.timedelta(days=3) if revoked else None,
                "revocation_reason": "Issued in error: the practitioner's license was not current." if revoked else "",
            }
        )
        for approval in course.approvals:
            entry_id = self.take_id("entry")
            rows["entry"].append(
                {
                    "id": entry_id,
                    "user_id": user_id,
                    "source": EntrySource.EARNED,
                    "board_id": approval.board_id,
                    "title": approval.approved_title,
                    "provider_name": course.provider_name,
                    "provider_number": approval.board.provider_number,
                    "approval_number": approval.number,
                    "hours": approval.approved_hours,
                    "delivery": approval.delivery,
                    "completed_on": completed_on,
                    "certificate_code": code,
                    "course_id": course.pk,
                    "review_status": ReviewStatus.VERIFIED,
                    "withdrawn_at": completed_at + datetime.timedelta(days=3) if revoked else None,
                    "withdrawn_reason": "Certificate revoked: issued in error." if revoked else "",
                }
            )
            for category in course.categories[approval.pk]:
                rows["entry_category"].append(
                    {"id": self.take_id("entry_category"), "creditentry_id": entry_id, "creditcategory_id": category}
                )

    # --- quiz attempts ---------------------------------------------------------------------------

    def template_attempts(self):
        """A real passing attempt at every final, by the bench practitioner, through the quiz services."""
        from django.contrib.auth import get_user_model

        from courses.models import Enrollment
        from quizzes.presentation import right_answers
        from quizzes.services import attempt_start, attempt_submit

        bench = get_user_model().objects.get(email=BENCH_EMAIL)
        # The services refuse a final already passed; the completions written above are put back after.
        enrollments = Enrollment.objects.filter(user=bench)
        passed = dict(enrollments.values_list("pk", "final_test_passed_at"))
        enrollments.update(final_test_passed_at=None)
        self.templates = {}
        for course in self.course_facts:
            if course.quiz is None:
                continue
            attempt = attempt_start(quiz=course.quiz, user=bench)
            self.templates[course.pk] = attempt_submit(attempt=attempt, answers=right_answers(attempt.questions))
        for pk, passed_at in passed.items():
            Enrollment.objects.filter(pk=pk).update(final_test_passed_at=passed_at)
        step(f"{len(self.templates)} real passing attempts by {BENCH_EMAIL}")

    def copied_attempts(self):
        from django.db import connection

        from certificates.models import Certificate
        from quizzes.models import QuizAttempt

        self.ids["attempt"] = self.next_id(QuizAttempt)
        remaining = self.args.attempts - len(self.templates)
        completed = (
            Certificate.objects.filter(pk__gte=self.first_certificate)
            .exclude(enrollment__user__email=BENCH_EMAIL)
            .order_by("pk")
            .values_list("enrollment_id", "enrollment__course_id", "enrollment__completed_at")
        )
        # A passing attempt per certificate, for the first --attempts of them: copies of the real one.
        rows = []
        for enrollment_id, course_id, completed_at in completed[: max(remaining, 0)].iterator(chunk_size=10_000):
            template = self.templates.get(course_id)
            if template is None:
                continue
            started_at = completed_at - datetime.timedelta(minutes=25)
            rows.append(
                {
                    "id": self.take_id("attempt"),
                    "quiz_id": template.quiz_id,
                    "enrollment_id": enrollment_id,
                    "number": 1,
                    "questions": template.questions,
                    "answers": template.answers,
                    "pass_mark_percent": template.pass_mark_percent,
                    "started_at": started_at,
                    "deadline": started_at + (template.deadline - template.started_at) if template.deadline else None,
                    "answers_saved_at": completed_at - datetime.timedelta(minutes=5),
                    "submitted_at": completed_at - datetime.timedelta(minutes=5),
                    "timed_out": False,
                    "score": template.score,
                    "max_score": template.max_score,
                    "percent": template.percent,
                    "passed": True,
                    "question_scores": template.question_scores,
                }
            )
            if len(rows) == 20_000:
                self.copy(QuizAttempt, rows)
                rows = []
        self.copy(QuizAttempt, rows)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM quizzes_quizattempt")
            step(f"{cursor.fetchone()[0]} quiz attempts")


EVALUATION_FIELDS = ["objectives_met", "content_accurate", "instructor_clear", "useful_in_practice"]


class _NoLicences:
    """Stands in for the holder's licences while the course's part of a snapshot is built."""

    def select_related(self, *args):
        return self

    def order_by(self, *args):
        return []


if __name__ == "__main__":
    main()
