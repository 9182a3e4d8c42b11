"""The one module that talks to Stripe's API, through Stripe's own library.

Its answers come back as plain dicts, in Stripe's documented shapes, so that the services read a
session the same way whether it came from the API or inside a webhook event.
"""

import stripe
from django.conf import settings

CHECKOUT_SESSION_EXPAND = ["payment_intent.latest_charge"]


class PaymentGatewayError(Exception):
    """Stripe could not be reached or refused the call; the message is fit to show a person."""


def payments_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _client() -> stripe.StripeClient:
    base = {"api": settings.STRIPE_API_BASE} if settings.STRIPE_API_BASE else None
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses=base,
        max_network_retries=settings.STRIPE_MAX_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(timeout=20),
    )


def _call(method, *args, **kwargs) -> dict:
    try:
        return method(*args, **kwargs).to_dict()
    except stripe.StripeError as error:
        raise PaymentGatewayError(_explain(error)) from error


def _explain(error: stripe.StripeError) -> str:
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError):
        return "The payment service could not be reached. You have not been charged; please try again in a minute."
    if isinstance(error, stripe.AuthenticationError | stripe.PermissionError):
        return "Online payment is misconfigured on our side. You have not been charged; we have been told."
    if isinstance(error, stripe.CardError) and error.user_message:
        # Written for the cardholder, unlike Stripe's other messages, which are for developers.
        return f"{error.user_message.strip().rstrip('.')}. You have not been charged."
    if isinstance(error, stripe.APIError):
        return "The payment service had a problem on its side. You have not been charged. Try again in a minute."
    return "The payment service refused the request. You have not been charged."


def checkout_session_create(*, params: dict, idempotency_key: str) -> dict:
    return _call(_client().v1.checkout.sessions.create, params, {"idempotency_key": idempotency_key})


def checkout_session_retrieve(session_id: str) -> dict:
    return _call(_client().v1.checkout.sessions.retrieve, session_id, {"expand": CHECKOUT_SESSION_EXPAND})


def payment_intent_retrieve(payment_intent_id: str) -> dict:
    return _call(_client().v1.payment_intents.retrieve, payment_intent_id)


def refund_create(*, payment_intent_id: str, amount: int, metadata: dict, idempotency_key: str) -> dict:
    params = {"payment_intent": payment_intent_id, "amount": amount, "metadata": metadata}
    return _call(_client().v1.refunds.create, params, {"idempotency_key": idempotency_key})


def event_verify(*, payload: bytes, signature: str) -> dict:
    """The event in a webhook request, once its Stripe-Signature header proves that Stripe sent it
    with the endpoint's secret no more than five minutes ago; ValueError if it does not.

    A timestamp ahead of this server's clock is accepted, as stripe.Webhook.construct_event accepts
    it: only the secret's holder can sign one, a replayed capture carries a past time, and an event
    applies once by its stored id whatever its time (payments/tests/test_webhook.py says more).
    """
    if not settings.STRIPE_WEBHOOK_SECRET:
        raise ValueError("Bad signature: STRIPE_WEBHOOK_SECRET is not set, so no event can be verified.")
    try:
        event = stripe.Webhook.construct_event(payload, signature, settings.STRIPE_WEBHOOK_SECRET).to_dict()
    except stripe.SignatureVerificationError as error:
        raise ValueError(
            f"Bad signature: {error.user_message or 'the Stripe-Signature header did not verify'}"
        ) from error
    except (ValueError, AttributeError, TypeError) as error:
        # Not JSON, or JSON that is not an object: the library fails to read it as an event.
        raise ValueError("The body is not a Stripe event.") from error
    data = event.get("data")
    if not (
        isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(data, dict)
        and isinstance(data.get("object"), dict)
    ):
        raise ValueError("The body is not a Stripe event.")
    return event
