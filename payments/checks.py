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
