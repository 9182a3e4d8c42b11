"""Fixed-window counters on the shared cache (Redis in production), per client and per kind of lookup:
the verification API's and the audit API's limits.

The embedded default cache (LocMem) limits per process, which still stops a single client hammering
one process; production runs Redis so that the limit holds across processes and servers.
"""

import time
from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    name: str
    allowed: int
    period_seconds: int

    def _key(self, client: str, now: float) -> str:
        return f"ratelimit:{self.name}:{client}:{int(now // self.period_seconds)}"

    def retry_after(self, client: str, cost: int = 1, now: float | None = None) -> int | None:
        """Seconds until `cost` more would be allowed, or None if they are allowed now."""
        return retry_after(client, {self: cost}, now=now)

    def spend(self, client: str, amount: int = 1, now: float | None = None) -> None:
        if amount <= 0:
            return
        now = time.time() if now is None else now
        key = self._key(client, now)
        # Counting on is one round trip; only the window's first spend creates the count.
        try:
            cache.incr(key, amount)
        except ValueError:  # no count yet in this window (or it just expired)
            if not cache.add(key, amount, timeout=self.period_seconds + 1):
                cache.incr(key, amount)  # another request created it meanwhile


def retry_after(client: str, costs: dict[Limit, int], now: float | None = None) -> int | None:
    """Seconds until every limit in `costs` allows its cost for `client`, or None if all do now; the
    counts are read in one cache round trip."""
    now = time.time() if now is None else now
    keys = {limit: limit._key(client, now) for limit in costs}
    used = cache.get_many(list(keys.values()))
    waits = [
        int(limit.period_seconds - now % limit.period_seconds) + 1
        for limit, cost in costs.items()
        if used.get(keys[limit], 0) + cost > limit.allowed
    ]
    return max(waits) if waits else None
