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
        now = time.time() if now is None else now
        used = cache.get(self._key(client, now), 0)
        if used + cost <= self.allowed:
            return None
        return int(self.period_seconds - now % self.period_seconds) + 1

    def spend(self, client: str, amount: int = 1, now: float | None = None) -> None:
        if amount <= 0:
            return
        now = time.time() if now is None else now
        key = self._key(client, now)
        if not cache.add(key, amount, timeout=self.period_seconds + 1):
            try:
                cache.incr(key, amount)
            except ValueError:  # expired between add and incr
                cache.add(key, amount, timeout=self.period_seconds + 1)
