"""The endpoint Stripe reports payments, refunds and disputes to."""

import logging

from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import gateway, services

logger = logging.getLogger(__name__)


@csrf_exempt  # Stripe cannot send a CSRF token: the HMAC signature authenticates the request instead
@require_POST
def stripe_webhook(request):
    """Stripe's events, applied at most once each. A bad signature gets 400 and changes nothing; an
    event this site does not act on gets 200; a failure gets 500, so that Stripe delivers it again."""
    try:
        event = gateway.event_verify(payload=request.body, signature=request.headers.get("Stripe-Signature", ""))
    except ValueError as error:
        logger.warning("Stripe webhook refused: %s", error)
        return JsonResponse({"error": str(error)}, status=400)
    try:
        outcome = services.stripe_event_apply(event)
    except Exception:
        logger.exception(
            "Stripe event %s (%s) failed; Stripe will deliver it again", event.get("id"), event.get("type")
        )
        return JsonResponse({"error": "The event could not be applied; deliver it again."}, status=500)
    return JsonResponse({"received": event.get("id"), "outcome": outcome})
