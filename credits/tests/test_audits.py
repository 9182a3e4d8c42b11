import datetime
import hashlib
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import LicenceFactory, UserFactory
from credits import audit_views
from credits.audits import licence_record_lookup, regulator_for, token_issue, token_revoke
from credits.models import REGULATORS, RecordLookup, RegulatorToken, ReviewStatus
from credits.tests.factories import BoardFactory, CreditEntryFactory, RegulatorFactory, RenewalRuleFactory
from lms.errors import NotPermitted
from lms.ratelimit import Limit

pytestmark = pytest.mark.django_db


@pytest.fixture
def boards():
    florida = BoardFactory(code="FL", name="Florida Board of Massage Therapy")
    texas = BoardFactory(code="TX", name="Texas Department of Licensing and Regulation", jurisdiction="Texas")
    ncbtmb = BoardFactory(code="NCBTMB", name="NCBTMB")
    # Florida takes NCBTMB-approved courses; an older rule that did not must not be the one read.
    RenewalRuleFactory(board=florida, effective_from=datetime.date(2019, 1, 1))
    rule = RenewalRuleFactory(board=florida, effective_from=datetime.date(2022, 1, 1), accepted_boards=[ncbtmb])
    rule.save()  # a ParentalManyToManyField keeps what .set() gave it in memory until the rule is saved
    return florida, texas, ncbtmb


@pytest.fixture
def practitioner(boards):
    """Licensed in Florida and Texas, with certificates under each board and NCBTMB, and a reported credit."""
    florida, texas, ncbtmb = boards
    user = UserFactory(legal_name="Maria Alvarez", verified_email=True)
    LicenceFactory(user=user, board=florida, number="MA12345", jurisdiction="Florida")
    LicenceFactory(user=user, board=texas, number="MT0099", jurisdiction="Texas")
    CreditEntryFactory(
        earned=True, user=user, board=florida, title="Florida Laws and Rules", certificate_code="FLAW00000000A"
    )
    CreditEntryFactory(
        earned=True, user=user, board=ncbtmb, title="Myofascial Release", certificate_code="MYOF00000000B"
    )
    CreditEntryFactory(
        earned=True, user=user, board=texas, title="Texas Human Trafficking", certificate_code="TXHT00000000C"
    )
    CreditEntryFactory(user=user, board=None, title="Sports Massage Workshop", provider_name="Gulf Coast CE")
    return user


@pytest.fixture
def florida_regulator(boards):
    return RegulatorFactory(board=boards[0], user=UserFactory(legal_name="Dana Whitfield"))


def look_up(client, number):
    return client.post(reverse("credits:audit_record"), {"number": number})


def api(client, number, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(reverse("credits:api_audit_licence", args=[number]), headers=headers)


def issued_token(regulator):
    return token_issue(regulator=regulator, name="Audit script", by=UserFactory(is_superuser=True, totp=False))[0]


def test_a_florida_regulator_sees_the_florida_record_of_a_license_and_nothing_of_texas(
    client, practitioner, florida_regulator
):
    client.force_login(florida_regulator.user)

    form = client.get(reverse("credits:audit"))
    page = look_up(client, " ma12345 ")

    assert form.status_code == 200 and "Florida Board of Massage Therapy license number" in form.content.decode()
    html = page.content.decode()
    assert page.status_code == 200
    assert "Maria Alvarez" in html and "MA12345" in html
    assert "Florida Laws and Rules" in html and "Myofascial Release" in html
    assert reverse("certificates:verify", args=["FLAW00000000A"]) in html and "FLAW-0000-0000-A" in html
    assert "Sports Massage Workshop" in html and "Self-reported" in html
    assert "Texas" not in html and "TXHT" not in html and "MT0099" not in html


def test_the_api_gives_the_same_record_in_json(client, practitioner, florida_regulator):
    response = api(client, "MA12345", issued_token(florida_regulator))

    body = response.json()
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    assert (body["status"], body["board"]["code"], body["license_number"]) == ("found", "FL", "MA12345")
    [holder] = body["holders"]
    assert holder["name"] == "Maria Alvarez"
    assert holder["license"] == {
        "number": "MA12345",
        "jurisdiction": "Florida",
        "expires_on": practitioner.licences.get(number="MA12345").expires_on.isoformat(),
    }
    assert {(c["code"], c["status"]) for c in holder["certificates"]} == {
        ("FLAW-0000-0000-A", "valid"),
        ("MYOF-0000-0000-B", "valid"),
    }
    assert holder["certificates"][0]["verification_url"].startswith("http://testserver/verify/")
    assert {(e["title"], e["source"], e["status"]) for e in holder["entries"]} == {
        ("Florida Laws and Rules", "earned", "valid"),
        ("Myofascial Release", "earned", "valid"),
        ("Sports Massage Workshop", "reported", "self_reported"),
    }


def test_a_withdrawn_certificate_and_a_rejected_credit_read_as_such(client, practitioner, florida_regulator):
    practitioner.credit_entries.filter(certificate_code="FLAW00000000A").update(
        withdrawn_at=timezone.now(), withdrawn_reason="Certificate revoked: attended half the course."
    )
    practitioner.credit_entries.filter(title="Sports Massage Workshop").update(
        review_status=ReviewStatus.REJECTED, review_note="The provider has no record of it."
    )

    body = api(client, "MA12345", issued_token(florida_regulator)).json()
    client.force_login(florida_regulator.user)
    html = look_up(client, "MA12345").content.decode()

    [holder] = body["holders"]
    assert {c["code"]: c["status"] for c in holder["certificates"]}["FLAW-0000-0000-A"] == "withdrawn"
    assert {e["title"]: e["status"] for e in holder["entries"]}["Sports Massage Workshop"] == "rejected"
    assert "attended half the course" in html and "Reported, rejected" in html


def test_a_rule_without_self_reported_credits_leaves_them_out(client, boards, practitioner, florida_regulator):
    RenewalRuleFactory(board=boards[0], effective_from=datetime.date(2024, 1, 1), accepts_self_reported=False)

    [holder] = api(client, "MA12345", issued_token(florida_regulator)).json()["holders"]

    # The 2024 rule does not name NCBTMB either: its approvals no longer count here.
    assert [e["title"] for e in holder["entries"]] == ["Florida Laws and Rules"]


def test_a_credit_reported_under_another_boards_approval_is_not_shown(client, boards, practitioner, florida_regulator):
    CreditEntryFactory(user=practitioner, board=boards[1], title="Texas Ethics Seminar", provider_name="Austin CE")

    [holder] = api(client, "MA12345", issued_token(florida_regulator)).json()["holders"]
    client.force_login(florida_regulator.user)
    html = look_up(client, "MA12345").content.decode()

    assert "Sports Massage Workshop" in {e["title"] for e in holder["entries"]}
    assert "Texas Ethics Seminar" not in {e["title"] for e in holder["entries"]}
    assert "Texas Ethics Seminar" not in html and "Austin CE" not in html


def _without_number(text: str, number: str) -> str:
    text = text.replace(number, "<number>")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_another_boards_license_number_gets_the_same_answer_as_an_unknown_one(client, practitioner, florida_regulator):
    token = issued_token(florida_regulator)
    client.force_login(florida_regulator.user)

    with CaptureQueriesContext(connection) as texas_queries:
        texas_page = look_up(client, "MT0099")
    with CaptureQueriesContext(connection) as unknown_queries:
        unknown_page = look_up(client, "MT0098")
    texas_api, unknown_api = api(client, "MT0099", token), api(client, "MT0098", token)

    assert texas_page.status_code == unknown_page.status_code == 404
    assert "No Florida Board of Massage Therapy license numbered MT0099" in texas_page.content.decode()
    assert _without_number(texas_page.content.decode(), "MT0099") == _without_number(
        unknown_page.content.decode(), "MT0098"
    )
    assert len(texas_queries) == len(unknown_queries)
    assert texas_api.status_code == unknown_api.status_code == 404
    assert texas_api.json() == {**unknown_api.json(), "license_number": "MT0099"}
    assert texas_api.json()["holders"] == [] and "Maria" not in texas_api.content.decode()
    # Recorded as asked, bound to no license: the Texas license's holder is not told Florida found them.
    assert set(RecordLookup.objects.values_list("licence_number", "licence")) == {("MT0099", None), ("MT0098", None)}


def test_every_lookup_is_recorded_and_the_practitioner_sees_who_looked_and_when(
    client, practitioner, florida_regulator
):
    client.force_login(florida_regulator.user)
    look_up(client, "MA12345")
    api(client, "MA12345", issued_token(florida_regulator))
    look_up(client, "NOPE1")

    lookups = RecordLookup.objects.order_by("pk")
    assert [(lookup.licence_number, lookup.channel, lookup.address) for lookup in lookups] == [
        ("MA12345", "page", "127.0.0.1"),
        ("MA12345", "api", "127.0.0.1"),
        ("NOPE1", "page", "127.0.0.1"),
    ]
    assert {lookup.licence for lookup in lookups} == {practitioner.licences.get(number="MA12345"), None}

    client.force_login(practitioner)
    profile = client.get(reverse("accounts:profile")).content.decode()
    section = profile[profile.index("Who looked at your CE record") :]
    assert section.count("Florida Board of Massage Therapy") == 2 and section.count("Dana Whitfield") == 2
    assert f"{timezone.localtime(lookups[0].looked_up_at):%B %-d, %Y}" in section
    assert "127.0.0.1" not in profile


def test_a_practitioner_with_no_lookups_is_told_so(client, practitioner):
    client.force_login(practitioner)

    assert "No board auditor has looked at your CE record" in client.get(reverse("accounts:profile")).content.decode()


def test_the_profile_shows_only_the_practitioners_own_lookups(client, practitioner, florida_regulator, boards):
    other = LicenceFactory(board=boards[0], number="MA55555")
    licence_record_lookup(regulator=florida_regulator, licence_number="MA55555", channel="page", address=None)
    client.force_login(practitioner)

    assert "Dana Whitfield" not in client.get(reverse("accounts:profile")).content.decode()
    client.force_login(other.user)
    assert "Dana Whitfield" in client.get(reverse("accounts:profile")).content.decode()


def test_a_practitioner_still_sees_a_lookup_after_removing_the_license(client, florida_regulator, boards):
    licence = LicenceFactory(board=boards[0], number="MA56565")
    licence_record_lookup(regulator=florida_regulator, licence_number="MA56565", channel="api", address=None)
    licence.delete()
    client.force_login(licence.user)

    section = client.get(reverse("accounts:profile")).content.decode().split("Who looked at your CE record")[1]

    assert "Dana Whitfield" in section and "MA56565" in section


def test_two_practitioners_who_recorded_the_same_number_are_shown_apart(client, boards, florida_regulator):
    LicenceFactory(user=UserFactory(legal_name="Ana Reyes"), board=boards[0], number="MA777")
    LicenceFactory(user=UserFactory(legal_name="Ben Cole"), board=boards[0], number="MA777")

    body = api(client, "MA777", issued_token(florida_regulator)).json()
    client.force_login(florida_regulator.user)
    html = look_up(client, "MA777").content.decode()

    assert [holder["name"] for holder in body["holders"]] == ["Ana Reyes", "Ben Cole"]
    assert "2 practitioners recorded this number" in html
    assert RecordLookup.objects.filter(licence__number="MA777").count() == 4


def test_a_blank_or_overlong_number_is_refused_and_nothing_is_recorded(client, florida_regulator):
    client.force_login(florida_regulator.user)

    blank = look_up(client, "   ")
    overlong = api(client, "X" * 51, issued_token(florida_regulator))

    assert blank.status_code == 400 and "This field is required" in blank.content.decode()
    assert overlong.status_code == 400 and "at most 50 characters" in overlong.json()["error"]
    assert not RecordLookup.objects.exists()


def test_only_regulators_in_the_group_reach_the_audit_pages(client, practitioner, boards):
    removed = RegulatorFactory(board=boards[0], in_group=False)

    anonymous = client.get(reverse("credits:audit"))
    client.force_login(practitioner)
    as_practitioner = [client.get(reverse("credits:audit")), look_up(client, "MA12345")]
    client.force_login(removed.user)
    as_removed = [client.get(reverse("credits:audit")), look_up(client, "MA12345")]

    assert anonymous.status_code == 302 and reverse("account_login") in anonymous["Location"]
    assert [response.status_code for response in as_practitioner + as_removed] == [404] * 4
    assert regulator_for(removed.user) is None
    assert not RecordLookup.objects.exists()


def test_a_deactivated_regulator_reaches_nothing(client, practitioner, florida_regulator):
    token = issued_token(florida_regulator)
    florida_regulator.user.is_active = False
    florida_regulator.user.save()

    assert api(client, "MA12345", token).status_code == 401
    assert regulator_for(florida_regulator.user) is None


def test_a_get_of_the_record_address_goes_back_to_the_form_without_a_lookup(client, florida_regulator):
    client.force_login(florida_regulator.user)

    response = client.get(reverse("credits:audit_record"), {"number": "MA12345"})

    assert response.status_code == 302 and response["Location"] == reverse("credits:audit")
    assert not RecordLookup.objects.exists()


@pytest.mark.parametrize(
    ("header", "error"),
    [
        (None, None),
        ("Bearer ceaudit_not-a-token-we-issued", "invalid_token"),
        ("Basic dXNlcjpwYXNz", "invalid_token"),
    ],
)
def test_a_missing_or_invalid_token_gets_401_in_json(client, practitioner, header, error):
    headers = {"Authorization": header} if header else {}

    response = client.get(reverse("credits:api_audit_licence", args=["MA12345"]), headers=headers)

    assert response.status_code == 401 and "Bearer" in response.json()["error"]
    assert response["WWW-Authenticate"] == 'Bearer realm="audit"' + (f', error="{error}"' if error else "")
    assert not RecordLookup.objects.exists()


def test_a_revoked_token_or_one_whose_regulator_left_the_group_gets_401(client, practitioner, florida_regulator):
    superuser = UserFactory(is_superuser=True, totp=False)
    kept, kept_record = token_issue(regulator=florida_regulator, name="Kept", by=superuser)
    revoked, revoked_record = token_issue(regulator=florida_regulator, name="Old script", by=superuser)

    assert api(client, "MA12345", revoked).status_code == 200
    token_revoke(token=revoked_record, by=superuser)
    assert api(client, "MA12345", revoked).status_code == 401
    assert api(client, "MA12345", kept).status_code == 200
    florida_regulator.user.groups.remove(Group.objects.get(name=REGULATORS))
    assert api(client, "MA12345", kept).status_code == 401
    kept_record.refresh_from_db()
    assert kept_record.last_used_at is not None


def test_a_session_cookie_does_not_open_the_api(client, practitioner, florida_regulator):
    client.force_login(florida_regulator.user)

    assert api(client, "MA12345").status_code == 401


def test_tokens_are_stored_hashed_and_only_superusers_issue_or_revoke_them(florida_regulator):
    reviewer = UserFactory(is_staff=True)
    with pytest.raises(NotPermitted):
        token_issue(regulator=florida_regulator, name="Script", by=reviewer)

    plaintext, token = token_issue(
        regulator=florida_regulator, name="Script", by=UserFactory(is_superuser=True, totp=False)
    )

    assert plaintext.startswith("ceaudit_") and len(plaintext) > 40
    stored = RegulatorToken.objects.filter(pk=token.pk).values().get()
    assert not any(plaintext in str(value) for value in stored.values())
    assert stored["token_hash"] == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext.startswith(stored["prefix"])
    with pytest.raises(NotPermitted):
        token_revoke(token=token, by=reviewer)


def test_the_api_is_rate_limited_per_token(client, practitioner, florida_regulator, monkeypatch):
    monkeypatch.setattr(audit_views, "API_LOOKUPS", Limit("audit-test", allowed=2, period_seconds=600))
    token, other = issued_token(florida_regulator), issued_token(florida_regulator)

    answers = [api(client, "MA12345", token) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert int(answers[2]["Retry-After"]) > 0 and "try again" in answers[2].json()["error"]
    assert RecordLookup.objects.count() == 2
    assert api(client, "MA12345", other).status_code == 200


def test_the_api_answers_other_methods_with_405_in_json(client, florida_regulator):
    response = client.post(reverse("credits:api_audit_licence", args=["MA12345"]))

    assert response.status_code == 405 and response["Allow"] == "GET, HEAD" and response.json()["error"]


def _many_entries(user, boards, count):
    florida, _, ncbtmb = boards
    for n in range(count):
        CreditEntryFactory(earned=True, user=user, board=florida if n % 2 else ncbtmb, hours=Decimal("1.50"))
        CreditEntryFactory(user=user, board=None)


@pytest.mark.parametrize("count", [5, 50])
def test_the_record_page_and_api_take_a_fixed_number_of_queries(
    client, boards, practitioner, florida_regulator, count, django_assert_max_num_queries
):
    _many_entries(practitioner, boards, count)
    token = issued_token(florida_regulator)
    client.force_login(florida_regulator.user)
    look_up(client, "MA12345")  # warms the per-site caches that base.html reads

    with django_assert_max_num_queries(14):
        page = look_up(client, "MA12345")
    with django_assert_max_num_queries(8):
        answer = api(Client(), "MA12345", token)  # a script: no session cookie

    assert page.status_code == answer.status_code == 200
    assert len(answer.json()["holders"][0]["entries"]) == 2 * count + 3


@pytest.mark.parametrize("count", [5, 50])
def test_the_profile_section_takes_one_query_however_many_lookups(
    client, practitioner, florida_regulator, count, django_assert_max_num_queries
):
    for _ in range(count):
        licence_record_lookup(regulator=florida_regulator, licence_number="MA12345", channel="api", address=None)
    from django.template import Context, Template

    template = Template("{% load credit_audit_tags %}{% record_lookups_for user %}")

    with django_assert_max_num_queries(1):
        html = template.render(Context({"user": practitioner}))

    assert html.count("Dana Whitfield") == count


# Admin


def test_a_superuser_issues_a_token_shown_once_and_revokes_it(client, florida_regulator):
    from wagtail.models import ModelLogEntry

    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    tokens_url = reverse("credits_audits_admin:tokens", args=[florida_regulator.pk])

    listing = client.get(reverse("wagtailadmin_home"))
    issued = client.post(tokens_url, {"name": "Florida audit script"})
    plaintext = re.search(r"ceaudit_[A-Za-z0-9_-]+", issued.content.decode()).group()
    again = client.get(tokens_url).content.decode()
    token = RegulatorToken.objects.get()
    revoked = client.post(reverse("credits_audits_admin:revoke", args=[token.pk]), follow=True)

    assert listing.status_code == 200
    assert "shown only this once" in issued.content.decode() and "no-store" in issued["Cache-Control"]
    assert plaintext not in again and token.prefix in again
    assert api(client, "MA1", plaintext).status_code == 401  # revoked since
    assert "is revoked" in revoked.content.decode()
    assert list(ModelLogEntry.objects.order_by("pk").values_list("action", "user")) == [
        ("credits.token_issue", superuser.pk),
        ("credits.token_revoke", superuser.pk),
    ]


def test_a_superuser_binds_a_regulator_to_a_board_in_the_admin(client, boards):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    auditor = UserFactory(legal_name="Tom Auditor")
    client.force_login(superuser)

    response = client.post(reverse("credits_regulators:add"), {"user": auditor.pk, "board": boards[1].pk}, follow=True)
    listing = client.get(reverse("credits_regulators:index")).content.decode()

    assert response.status_code == 200
    assert auditor.regulator.board == boards[1]
    assert "Tom Auditor" in listing and reverse("credits_audits_admin:tokens", args=[auditor.regulator.pk]) in listing


def test_a_regulator_is_kept_with_their_lookups_rather_than_deleted(client, florida_regulator):
    licence_record_lookup(regulator=florida_regulator, licence_number="MA1", channel="page", address=None)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))

    response = client.post(reverse("credits_regulators:delete", args=[florida_regulator.pk]))

    assert response.status_code in (302, 403)
    assert RecordLookup.objects.get().regulator == florida_regulator


def test_only_superusers_reach_the_token_views(client, florida_regulator):
    token = RegulatorToken.objects.create(
        regulator=florida_regulator, name="x", prefix="ceaudit_abcd", token_hash="0" * 64, created_by=UserFactory()
    )
    client.force_login(UserFactory(is_staff=True, groups=["Reviewers"]))

    issue = client.post(reverse("credits_audits_admin:tokens", args=[florida_regulator.pk]), {"name": "Mine"})
    revoke = client.post(reverse("credits_audits_admin:revoke", args=[token.pk]))

    assert issue.status_code in (302, 403) and revoke.status_code in (302, 403)
    token.refresh_from_db()
    assert token.revoked_at is None and RegulatorToken.objects.count() == 1


def test_superusers_and_reviewers_read_the_lookups_with_their_address_and_nobody_edits_them(
    client, practitioner, florida_regulator
):
    licence_record_lookup(regulator=florida_regulator, licence_number="MA12345", channel="page", address="203.0.113.9")
    reviewers, _ = Group.objects.get_or_create(name="Reviewers")
    reviewers.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_recordlookup")
    )
    lookup = RecordLookup.objects.get()

    for user in (UserFactory(is_superuser=True, is_staff=True), UserFactory(groups=["Reviewers"], totp=True)):
        client.force_login(user)
        listing = client.get(reverse("credits_record_lookups:index"))
        inspect = client.get(reverse("credits_record_lookups:inspect", args=[lookup.pk]))
        assert listing.status_code == inspect.status_code == 200
        assert "203.0.113.9" in listing.content.decode() and "MA12345" in listing.content.decode()
        assert "/edit/" not in listing.content.decode().split("credits/recordlookup")[-1][:20]

    client.force_login(practitioner)
    assert client.get(reverse("credits_record_lookups:index")).status_code in (302, 403)
