"""How orders and the provider's purchase policies read to people."""

from lms.money import money

__all__ = ["money", "policies_text", "purchase_policies"]

CERTIFICATE_INCLUDED = "None: the certificate is included in the course price."


def purchase_policies(provider) -> list[tuple[str, str]]:
    """The provider's written policies a buyer reads before paying, as (heading, text) pairs; a policy
    the provider has not written says whom to ask."""
    ask = f"Ask {provider.email} before buying." if provider.email else "Ask the provider before buying."
    return [
        ("Registration policy", provider.registration_policy.strip() or f"Not published yet. {ask}"),
        ("Cancellation policy", provider.cancellation_policy.strip() or f"Not published yet. {ask}"),
        ("Refund policy", provider.refund_policy.strip() or f"Not published yet. {ask}"),
        ("Certificate fee", provider.certificate_fee.strip() or CERTIFICATE_INCLUDED),
    ]


def policies_text(provider) -> str:
    """The policies exactly as shown, kept on the order the practitioner accepted them for."""
    return "\n\n".join(f"{heading}\n{text}" for heading, text in purchase_policies(provider))
