"""`manage.py check --deploy` warns an operator whose payment settings would lose or leak payments."""

from django.core.checks import run_checks


def payment_warnings() -> list[str]:
    return sorted(
        message.id for message in run_checks(include_deployment_checks=True) if message.id.startswith("payments")
    )


def test_payments_on_without_the_webhook_secret_are_warned_of(settings):
    settings.STRIPE_WEBHOOK_SECRET = ""

    assert payment_warnings() == ["payments.W001"]


def test_a_stand_in_for_stripes_api_is_warned_of(settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:12111"

    assert payment_warnings() == ["payments.W002"]


def test_payments_configured_for_stripe_or_off_raise_no_warning(settings):
    assert payment_warnings() == []
    settings.STRIPE_SECRET_KEY = settings.STRIPE_WEBHOOK_SECRET = ""
    assert payment_warnings() == []
