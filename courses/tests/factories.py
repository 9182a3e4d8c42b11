import datetime
from decimal import Decimal

import factory
import wagtail_factories
from wagtail.rich_text import RichText

from accounts.tests.factories import UserFactory
from courses.models import (
    CourseApproval,
    CourseIndexPage,
    CoursePage,
    Enrollment,
    EnrollmentSource,
    Instructor,
    LessonPage,
    Topic,
)
from credits.models import DeliveryType
from credits.tests.factories import BoardFactory


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class InstructorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instructor

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"instructor-{n}")
    credentials = "LMT, BCTMB"


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CourseIndexPage

    title = "Courses"
    slug = "courses"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage
        skip_postgeneration_save = True  # taught_by saves the page itself when it adds an instructor

    title = factory.Sequence(lambda n: f"Massage for Chronic Low-Back Pain, Part {n}")
    summary = "Assessment and myofascial techniques for non-specific chronic low-back pain."
    description = "<p>Evidence, screening and hands-on technique.</p>"
    topic = factory.SubFactory(TopicFactory)
    ce_hours = Decimal("2.00")
    min_study_minutes = 100
    price_amount = 0

    @factory.post_generation
    def taught_by(course, create, user, **kwargs):
        """`taught_by=user` lists the user, through an instructor profile, among the course's instructors."""
        if user is not None:
            instructor_add(course=course, user=user)


class CourseApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseApproval

    course = factory.SubFactory(CoursePageFactory)
    board = factory.SubFactory(BoardFactory)
    number = factory.Sequence(lambda n: f"DEMO-{451_000 + n:06d}")  # never all zeros, which reads as a placeholder
    approved_title = factory.SelfAttribute("course.title")
    approved_hours = factory.SelfAttribute("course.ce_hours")
    expires_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=365))


def lesson_body(words_of_prose: int = 120):
    """A realistic lesson body: a heading, prose, a contraindication callout and numbered steps."""
    prose = " ".join(["fascia"] * words_of_prose)
    return [
        ("heading", "The thoracolumbar fascia"),
        ("paragraph", RichText(f"<p>{prose}</p>")),
        ("callout", {"kind": "contraindication", "title": "Refer first", "text": RichText("<p>Acute DVT.</p>")}),
        (
            "technique_steps",
            {
                "title": "Cross-hand release",
                "steps": [
                    {"text": RichText("<p>Position the client prone.</p>"), "image": None, "image_alt_text": ""},
                    {"text": RichText("<p>Cross the forearms.</p>"), "image": None, "image_alt_text": ""},
                ],
            },
        ),
    ]


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}: The thoracolumbar fascia")
    summary = "Layers, innervation and what release plausibly means."
    body = factory.LazyFunction(lesson_body)


class EnrollmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrollment

    user = factory.SubFactory(UserFactory, verified_email=True)
    course = factory.SubFactory(CoursePageFactory)
    source = EnrollmentSource.FREE


def instructor_add(*, course, user) -> None:
    """Lists the user, through their instructor profile (made if missing), among the course's instructors."""
    instructor = getattr(user, "instructor_profile", None) or InstructorFactory(user=user)
    course.instructors.add(instructor)
    course.save()


def publishable_course(**kwargs) -> CoursePage:
    """A course (a live one unless `live=False`) that meets every board rule publishing checks
    (courses.publishing_checks): a quarter hour taught live, a current approval, and a lesson long enough."""
    course = CoursePageFactory(
        **{"ce_hours": Decimal("0.25"), "min_study_minutes": 15, "delivery": DeliveryType.LIVE, **kwargs}
    )
    CourseApprovalFactory(course=course, delivery=DeliveryType.LIVE)
    LessonPageFactory(parent=course, live=course.live, body=lesson_body(words_of_prose=3_100))
    return CoursePage.objects.get(pk=course.pk)
