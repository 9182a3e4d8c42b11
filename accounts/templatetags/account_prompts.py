from django import template

from accounts.selectors import email_is_verified

register = template.Library()


@register.inclusion_tag("accounts/includes/email_confirmation_prompt.html", takes_context=True)
def email_confirmation_prompt(context, before: str, verified=None):
    """For a signed-in practitioner whose address is not confirmed: what waits for the confirmation
    (`before`, e.g. "before you enroll in a course"), with a button that sends the email again and comes
    back here. `verified` saves the look-up where the page knows it already."""
    request = context["request"]
    user = request.user
    if verified is None:
        verified = not user.is_authenticated or email_is_verified(user=user)
    return {
        "show": not verified,
        "before": before,
        "email": user.email if user.is_authenticated else "",
        "next_url": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
