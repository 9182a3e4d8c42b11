"""Reviewers edit boards' renewal rules in Wagtail; a change applies to progress from the day it takes effect."""

import datetime
from decimal import Decimal

import time_machine
from django.urls import reverse

from accounts.tests.factories import LicenceFactory, UserFactory
from courses.services import REVIEWERS, authoring_roles_setup
from credits.models import RenewalRule
from credits.selectors import standings
from credits.tests.factories import (
    BoardFactory,
    CreditCategoryFactory,
    CreditEntryFactory,
    RenewalRuleFactory,
    RequirementLineFactory,
)


def rule_form(board, category, **overrides):
    data = {
        "board": board.pk,
        "effective_from": "2027-01-01",
        "cycle_months": "24",
        "total_hours": "30",
        "min_live_hours": "0",
        "source_title": "Board rule 12.3, as amended",
        "source_url": "https://example.com/rule-12-3",
        "source_checked_on": "2026-12-01",
        "is_example": "on",
        "accepts_self_reported": "on",
        "completion_counts_once": "on",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "1000",
        "lines-0-label": "ethics",
        "lines-0-categories": [category.pk],
        "lines-0-min_hours": "4",
        "lines-0-max_hours": "",
        "lines-0-cycles": "every",
        "lines-0-ORDER": "1",
        "lines-0-id": "",
    }
    return {**data, **overrides}


def test_a_reviewer_adds_a_rule_change_that_applies_from_its_effective_date(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    board, ethics = BoardFactory(code="FL", name="Florida board"), CreditCategoryFactory(slug="ethics", name="Ethics")
    RequirementLineFactory(
        rule=RenewalRuleFactory(board=board, total_hours=Decimal(24)),
        label="ethics",
        categories=[ethics],
        min_hours=Decimal(2),
    )
    licence = LicenceFactory(board=board, expires_on=datetime.date(2027, 8, 31))
    CreditEntryFactory(
        user=licence.user,
        board=board,
        review_status="verified",
        hours=Decimal(3),
        categories=[ethics],
        completed_on=datetime.date(2026, 5, 1),
    )
    client.force_login(UserFactory(groups=[REVIEWERS]))

    response = client.post(reverse("wagtailsnippets_credits_renewalrule:add"), rule_form(board, ethics))

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert RenewalRule.objects.filter(board=board).count() == 2  # the old rule stays, for past cycles
    with time_machine.travel(datetime.datetime(2026, 12, 31, 12, tzinfo=datetime.UTC)):
        (before,) = standings(user=licence.user)
    with time_machine.travel(datetime.datetime(2027, 1, 2, 12, tzinfo=datetime.UTC)):
        (after,) = standings(user=licence.user)
    assert (before.progress.required_hours, [str(s) for s in before.progress.shortfalls]) == (
        Decimal(24),
        ["21 more hours in total"],
    )
    assert (after.progress.required_hours, [str(s) for s in after.progress.shortfalls]) == (
        Decimal(30),
        ["27 more hours in total", "1 more hour of ethics"],
    )
    assert after.rule.source_title == "Board rule 12.3, as amended"


def test_a_rule_whose_maximum_is_below_its_minimum_is_refused_and_nothing_is_saved(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    board, ethics = BoardFactory(), CreditCategoryFactory()
    client.force_login(UserFactory(groups=[REVIEWERS]))

    response = client.post(
        reverse("wagtailsnippets_credits_renewalrule:add"), rule_form(board, ethics, **{"lines-0-max_hours": "2"})
    )

    assert response.status_code == 200
    assert "The maximum cannot be below the minimum." in response.content.decode()
    assert not RenewalRule.objects.exists()


def test_practitioners_cannot_open_the_rules(client, catalogue):
    authoring_roles_setup(catalogue=catalogue)
    client.force_login(UserFactory())

    response = client.get(reverse("wagtailsnippets_credits_renewalrule:list"))

    assert response.status_code == 302 and "/login/" in response.url
