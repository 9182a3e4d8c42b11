import datetime
from decimal import Decimal

import factory

from credits.models import (
    Board,
    CreditCategory,
    CreditEntry,
    DeliveryType,
    EntrySource,
    RenewalRule,
    RequirementLine,
    ReviewStatus,
)


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"BOARD{n}")
    name = factory.Sequence(lambda n: f"State Board of Massage Therapy {n}")
    jurisdiction = "Florida"


class CreditCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditCategory
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"category-{n}")
    name = factory.Sequence(lambda n: f"Category {n}")


class RenewalRuleFactory(factory.django.DjangoModelFactory):
    """A board's renewal rule; lines are added with RequirementLineFactory(rule=...)."""

    class Meta:
        model = RenewalRule
        skip_postgeneration_save = True

    board = factory.SubFactory(BoardFactory)
    effective_from = datetime.date(2020, 1, 1)
    cycle_months = 24
    total_hours = Decimal("24.00")
    source_title = "Example rule text"
    source_url = "https://example.com/rule"
    source_checked_on = datetime.date(2026, 11, 1)

    @factory.post_generation
    def accepted_boards(self, create, boards, **kwargs):
        if create and boards:
            self.accepted_boards.set(boards)
            self.save()  # a ParentalManyToManyField is written on save


class RequirementLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequirementLine
        skip_postgeneration_save = True

    rule = factory.SubFactory(RenewalRuleFactory)
    label = factory.Sequence(lambda n: f"subject {n}")
    min_hours = Decimal("2.00")

    @factory.post_generation
    def categories(self, create, categories, **kwargs):
        if create:
            self.categories.set(categories or [CreditCategoryFactory()])
            self.save()  # a ParentalManyToManyField is written on save


class CreditEntryFactory(factory.django.DjangoModelFactory):
    """A credit the practitioner reported, awaiting review; CreditEntryFactory(earned=True) is one
    earned here under a board approval (use a real issued certificate where the certificate matters)."""

    class Meta:
        model = CreditEntry
        skip_postgeneration_save = True

    class Params:
        earned = factory.Trait(
            source=EntrySource.EARNED,
            review_status=ReviewStatus.VERIFIED,
            provider_name="Medical Massage CE",
            certificate_code=factory.Sequence(lambda n: f"CODE{n:09d}"),
        )

    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    source = EntrySource.REPORTED
    review_status = ReviewStatus.SELF_REPORTED
    board = factory.SubFactory(BoardFactory)
    title = factory.Sequence(lambda n: f"Course {n}")
    provider_name = "Another CE provider"
    provider_number = "PROV-1"
    hours = Decimal("2.00")
    delivery = DeliveryType.HOME_STUDY
    completed_on = factory.LazyFunction(datetime.date.today)

    @factory.post_generation
    def categories(self, create, categories, **kwargs):
        if create and categories:
            self.categories.set(categories)


def proof_pdf(name="certificate.pdf", text="Certificate of completion"):
    """An upload holding a real one-page PDF, laid out by WeasyPrint as the site's certificates are."""
    import weasyprint
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = weasyprint.HTML(string=f"<h1>{text}</h1><p>3 CE hours</p>").write_pdf()
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def image_bytes(kind="PNG", size=(240, 160), **save) -> bytes:
    """A picture of noise (so that it compresses badly, like a photo) in `kind` format."""
    import io
    import random

    from PIL import Image

    noise = random.Random(11)
    image = Image.frombytes("RGB", size, bytes(noise.randrange(256) for _ in range(size[0] * size[1] * 3)))
    out = io.BytesIO()
    image.save(out, format=kind, **save)
    return out.getvalue()


def proof_image(kind="PNG", name=None, **save):
    from django.core.files.uploadedfile import SimpleUploadedFile

    extension = "jpg" if kind == "JPEG" else kind.lower()
    return SimpleUploadedFile(name or f"certificate.{extension}", image_bytes(kind, **save), f"image/{kind.lower()}")


class ProvedCreditEntryFactory(CreditEntryFactory):
    """A reported credit with a PNG proof in private storage, as the report form leaves it."""

    proof = factory.django.FileField(filename="proof.png", data=factory.LazyFunction(lambda: image_bytes("PNG")))
    proof_content_type = "image/png"


# Regulators' audits


class RegulatorFactory(factory.django.DjangoModelFactory):
    """A member of the Regulators group bound to a board; RegulatorFactory(in_group=False) is one whose
    user has been taken out of the group."""

    class Meta:
        model = "credits.Regulator"
        skip_postgeneration_save = True

    user = factory.SubFactory("accounts.tests.factories.UserFactory")
    board = factory.SubFactory(BoardFactory)

    @factory.post_generation
    def in_group(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        from credits.models import REGULATORS

        if create and extracted is not False:
            group, _ = Group.objects.get_or_create(name=REGULATORS)
            self.user.groups.add(group)
