"""What the practitioner sees of regulators' audits, for pages of lower apps (the accounts profile) that
cannot import credits: `{% load credit_audit_tags %}{% record_lookups_for request.user %}`."""

from django import template

from credits.models import RecordLookup

register = template.Library()

SHOWN = 50


@register.inclusion_tag("credits/audit/lookups_for_practitioner.html")
def record_lookups_for(user):
    """Who looked at the user's CE record and when, newest first; never from which address."""
    lookups = list(
        RecordLookup.objects.filter(holder=user)
        .select_related("regulator__user", "regulator__board")
        .order_by("-looked_up_at", "-pk")[: SHOWN + 1]
    )
    return {"lookups": lookups[:SHOWN], "more": len(lookups) > SHOWN}
