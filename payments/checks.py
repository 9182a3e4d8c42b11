from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def webhook_secret_configured(app_configs, **kwargs):
    """Payments on without the webhook's signing secret would refuse every event Stripe sends, so no
    delayed payment, refund or dispute would ever reach an order."""
    if settings.STRIPE_SECRET_KEY and not settings.STRIPE_WEBHOOK_SECRET:
        return [
            Warning(
                "STRIPE_SECRET_KEY is set but STRIPE_WEBHOOK_SECRET is not: the Stripe webhook cannot verify events.",
                hint="Set STRIPE_WEBHOOK_SECRET to the signing secret (whsec_...) of the endpoint "
                "/payments/stripe/webhook/ in Stripe's dashboard.",
                id="payments.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def stripe_api_is_stripes(app_configs, **kwargs):
    """A stand-in for Stripe's API is for tests: in production it would receive the secret key."""
    if settings.STRIPE_SECRET_KEY and settings.STRIPE_API_BASE:
        return [
            Warning(
                f"STRIPE_API_BASE is set ({settings.STRIPE_API_BASE}): the secret key and every payment call go there "
                "instead of to Stripe.",
                hint="Unset STRIPE_API_BASE in production.",
                id="payments.W002",
            )
        ]
    return []
