"""How long a client over one of allauth's rate limits must wait, for the Retry-After of its 429.

allauth answers 429 without saying when to come back. Its counts are lists of the times of recent
attempts in the cache, newest first; a limit of n per period frees up once the n-th newest is a period old.
"""

import math
import time

from allauth.core.internal.ratelimit import get_cache_key, get_rates
from django.core.cache import cache

# allauth's URL names, and the rate-limit action each view consumes with what it keys by ("email": the
# address posted, as allauth's password reset keys it).
RATE_LIMITED_VIEWS = {
    "account_login": ("login", None),
    "account_signup": ("signup", None),
    "account_reset_password": ("reset_password", "email"),
    "account_reset_password_from_key": ("reset_password_from_key", None),
    "account_change_password": ("change_password", None),
    "account_set_password": ("change_password", None),
    "account_email": ("manage_email", None),
    "account_reauthenticate": ("reauthenticate", None),
}
APP = "allauth.account"


def retry_after_seconds(request) -> int:
    """Seconds until this request's action is allowed again: the latest of its exhausted limits to free up,
    or its shortest period where none can be read (e.g. an attempt refused while the count was locked)."""
    match = request.resolver_match
    action, key_field = RATE_LIMITED_VIEWS.get(match.url_name if match else None, (None, None))
    rates = get_rates(app=APP, action=action) if action else []
    if not rates:
        return 60
    key = request.POST.get(key_field, "").lower() if key_field else None
    now = time.time()
    waits = []
    for rate in rates:
        if (rate.per == "key" and not key) or (rate.per == "user" and not request.user.is_authenticated):
            continue
        history = cache.get(get_cache_key(request, app=APP, action=action, rate=rate, key=key), [])
        if len(history) >= rate.amount:
            waits.append(history[rate.amount - 1] + rate.duration - now)
    return max(1, math.ceil(max(waits) if waits else min(rate.duration for rate in rates)))
