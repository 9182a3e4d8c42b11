from django import template
from django.urls import reverse
from django.utils.html import format_html

from courses.media import LESSON_IMAGE_FILTERS

register = template.Library()


@register.simple_tag(takes_context=True)
def lesson_image(context, image, filter_spec: str, *, alt: str):
    """An image of the lesson being shown: from its media address in a free preview, which anyone may
    read; else through the checked view, so that the page never gives the file's address away."""
    if filter_spec not in LESSON_IMAGE_FILTERS:
        raise template.TemplateSyntaxError(f"{filter_spec!r} is not one of courses.media.LESSON_IMAGE_FILTERS.")
    rendition = image.get_rendition(filter_spec)
    if getattr(context.get("page"), "is_free_preview", False):
        return rendition.img_tag({"alt": alt})
    return format_html(
        '<img alt="{}" height="{}" src="{}" width="{}">',
        alt,
        rendition.height,
        reverse("courses:lesson_image", args=[image.pk, filter_spec]),
        rendition.width,
    )
