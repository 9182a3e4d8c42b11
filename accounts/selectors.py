"""Reads about accounts: email verification, who must use two-factor authentication, licences, onboarding."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.db.models import QuerySet
from wagtail.models import Site
from wagtail.permission_policies.pages import PagePermissionPolicy

from lms.models import default_provider

from .models import Licence

# Model permissions that let someone change money or credentials, or grant such rights (a user
# editor can add anyone to any group). The payments and certificates apps add their refund and
# revoke permissions here.
MFA_REQUIRED_PERMISSIONS = (
    "accounts.add_user",
    "accounts.change_user",
    "auth.change_group",
    "courses.hide_lessonpost",
    "certificates.revoke_certificate",
    "credits.review_creditentry",
    "payments.refund_order",
)


def email_is_verified(*, user) -> bool:
    """Whether the user has confirmed their primary email address (required before enrolling)."""
    if not user.is_authenticated:
        return False
    return EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()


def user_must_use_mfa(*, user) -> bool:
    """Whether this user's role requires two-factor authentication.

    The rule: superusers, anyone who may publish a page anywhere in the tree (the Reviewers group,
    who publish courses), and anyone holding a permission in MFA_REQUIRED_PERMISSIONS.
    It reads permissions rather than group names, so a new group given those rights is covered.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if PagePermissionPolicy().user_has_permission(user, "publish"):
        return True
    return any(user.has_perm(permission) for permission in MFA_REQUIRED_PERMISSIONS)


def user_has_mfa(*, user) -> bool:
    """Whether the user has set up an authenticator app (recovery codes alone do not count)."""
    return is_mfa_enabled(user, [Authenticator.Type.TOTP])


def licences_for_user(*, user) -> QuerySet[Licence]:
    return Licence.objects.filter(user=user).select_related("board")


def licence_for_user(*, user, licence_id: int) -> Licence | None:
    """The user's own licence with this id, or None: another practitioner's licence is never returned."""
    return licences_for_user(user=user).filter(pk=licence_id).first()


def onboarding_due(*, user) -> bool:
    """Whether a practitioner has yet to give what certificates and CE tracking need: a legal name and a license."""
    return not user.legal_name or not Licence.objects.filter(user=user).exists()


def site_name(request=None) -> str:
    """The site's name as its header and certificates print it: the provider's name, for the site serving
    `request` (or the default site, outside a request)."""
    return default_provider(site=Site.find_for_request(request) if request else None).name
