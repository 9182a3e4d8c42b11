from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip


class AccountAdapter(DefaultAccountAdapter):
    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """What the "key" part of the `login_failed` rate limit counts: the account and the address it is
        tried from. Counted per account alone (allauth's default), five wrong passwords from anywhere would
        lock out its owner, a reviewer or an admin, wherever they are; per account and address, they can
        still sign in from their own. Guessing from many addresses stays bounded by the per-address limit and
        the password rules. A password reset clears the count of the address it is done from."""
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{get_ip(request)}"
