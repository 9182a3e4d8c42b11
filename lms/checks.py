from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def cdn_told_of_changes(app_configs, **kwargs):
    """A CDN allowed to keep the visitors' pages must be told when they change, or it serves them stale."""
    if settings.PUBLIC_PAGE_CDN_SECONDS > 0 and not settings.WAGTAILFRONTENDCACHE:
        return [
            Warning(
                f"DJANGO_PUBLIC_PAGE_CDN_SECONDS lets a CDN keep the visitors' pages for "
                f"{settings.PUBLIC_PAGE_CDN_SECONDS} seconds, but no frontend cache backend purges them when "
                "they change: a course unpublished or restricted stays public there until then.",
                hint="Set FRONTEND_CACHE_PURGE_URL, FRONTEND_CACHE_CLOUDFRONT_DISTRIBUTION_ID or "
                "FRONTEND_CACHE_CLOUDFLARE_ZONE_ID (see README, Running in production).",
                id="lms.W001",
            )
        ]
    return []
