"""Signing in the way a person does: through allauth's form, second factor included."""

import re
import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.urls import reverse

PASSWORD = "correct horse battery staple"  # what UserFactory sets


def sign_in(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password, **extra})


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def links_in_last_email(path_fragment: str) -> list[str]:
    return re.findall(rf"http://testserver({re.escape(path_fragment)}\S*/)", mail.outbox[-1].body)
