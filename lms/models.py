from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page, Site

from lms.pagecache import CachedForVisitors
from lms.records import DeletedWhollyOrNotAtAll


class HomePage(CachedForVisitors, DeletedWhollyOrNotAtAll, Page):
    hero_heading = models.CharField(max_length=200)
    hero_text = RichTextField(features=["bold", "italic", "link"], blank=True)

    content_panels = Page.content_panels + [FieldPanel("hero_heading"), FieldPanel("hero_text")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["courses.CourseIndexPage"]

    def get_context(self, request, *args, **kwargs):
        from courses.selectors import home_page_highlights

        context = super().get_context(request, *args, **kwargs)
        context.update(home_page_highlights(home=self))
        return context


@register_setting(icon="site")
class ProviderSettings(BaseSiteSetting):
    """Who provides the courses: printed in the footer and on every certificate."""

    name = models.CharField(max_length=200, default="Medical Massage CE")
    email = models.EmailField(blank=True)
    postal_address = models.TextField(blank=True)
    signatory_name = models.CharField(
        max_length=200, blank=True, help_text="Who signs certificates for the provider: its administrator."
    )
    signatory_title = models.CharField(max_length=200, blank=True, default="Provider administrator")
    signature = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The signatory's handwritten signature (a PNG with a transparent background prints best), "
        "printed above the signature line of the certificates that name them.",
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Printed at the head of every certificate, and shown as the issuer's image in digital wallets "
        "that hold the signed credentials.",
    )

    # NCBTMB asks approved providers for written registration, cancellation and refund policies, and
    # for any certificate fee to be disclosed and agreed at registration: a buyer reads them before paying.
    registration_policy = models.TextField(
        blank=True, help_text="Who may register, and what registering gives: shown before a practitioner pays."
    )
    cancellation_policy = models.TextField(blank=True, help_text="How a practitioner cancels a registration.")
    refund_policy = models.TextField(blank=True, help_text="When and how much is refunded, and what a refund ends.")
    certificate_fee = models.CharField(
        max_length=200,
        blank=True,
        help_text="Any fee for the certificate beyond the course price. Leave blank when the price includes it.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("logo"),
        FieldPanel("email"),
        FieldPanel("postal_address"),
        FieldPanel("signatory_name"),
        FieldPanel("signatory_title"),
        FieldPanel("signature"),
        MultiFieldPanel(
            [
                FieldPanel("registration_policy"),
                FieldPanel("cancellation_policy"),
                FieldPanel("refund_policy"),
                FieldPanel("certificate_fee"),
            ],
            heading="Policies shown before paying",
        ),
    ]

    class Meta:
        verbose_name = "provider details"


def default_site() -> Site | None:
    """The site that emails, PDFs and background jobs speak for (there is no request to find it from)."""
    return Site.objects.filter(is_default_site=True).first() or Site.objects.first()


def default_provider(*, site: Site | None = None) -> ProviderSettings:
    """The provider's details of the default site (or of `site`, found already), as certificates and
    transcripts print them."""
    site = site or default_site()
    return ProviderSettings.for_site(site) if site else ProviderSettings()


def base_url() -> str:
    """The site's address where it runs, with no trailing slash: every link that leaves a page (emails,
    PDFs and their QR codes, share links, the API's and the signed credentials' addresses) starts with it.
    It is the BASE_URL setting (DJANGO_BASE_URL; `make run` sets it to the address it serves), never a
    request's Host header, which a request may set to anything."""
    return settings.BASE_URL.rstrip("/")
