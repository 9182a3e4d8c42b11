from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from .keys import configured_private_key


@register(Tags.security, deploy=True)
def issuer_host_fixed(app_configs, **kwargs):
    """Every credential names the issuer's did:web for good: it must not follow a site's renaming."""
    if settings.CERTIFICATE_ISSUER_HOST:
        return []
    return [
        Warning(
            "CERTIFICATE_ISSUER_HOST is not set: the issuer's did:web follows the default site's host name, and "
            "if that changes, every credential issued before stops verifying.",
            hint="Set CERTIFICATE_ISSUER_HOST to the public host name, once, before the first certificate.",
            id="certificates.W002",
        )
    ]


@register(Tags.security, deploy=True)
def signing_key_configured(app_configs, **kwargs):
    """A deployment without a readable signing key would issue certificates without credentials."""
    if not (settings.CERTIFICATE_SIGNING_KEY or settings.CERTIFICATE_SIGNING_KEY_FILE):
        return [
            Warning(
                "No credential signing key is configured: certificates are issued without their signed credential.",
                hint="Run `manage.py signing_key create --out FILE` and set CERTIFICATE_SIGNING_KEY_FILE=FILE.",
                id="certificates.W001",
            )
        ]
    try:
        configured_private_key()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="certificates.E001")]
    return []
