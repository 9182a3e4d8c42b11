import factory

from credits.models import Board, CreditCategory


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
