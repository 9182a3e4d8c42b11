"""Visitors' copies of the public pages: the home page, the catalog and the course pages at their own
addresses (a search or a filter is served fresh), as someone who is not signed in sees them, kept in
the shared cache (Redis in production).

Such a visitor carries no session cookie, so every one of them is shown the same page. A copy is kept
for PUBLIC_PAGE_CACHE_SECONDS at most, and every change that a public page shows starts a new
generation of copies, so nobody is served a page from before it: a page published, unpublished, moved
or deleted (Wagtail's own signals, which its frontend cache invalidation listens to as well), and a
topic, instructor, board, the provider's details or a page's view restriction saved. A preview, a
signed-in person and a request with a message waiting are always served fresh, and a page that set a
cookie or printed a CSRF token is never kept.

A CDN in front (WAGTAILFRONTENDCACHE, through Wagtail's frontend cache backends) may keep the same
copies for PUBLIC_PAGE_CDN_SECONDS: they alone say so in their Cache-Control (SharedCacheMiddleware,
which marks every other response private). The same changes that start a new generation queue, once
per transaction, Wagtail's purge task for every visitor page's address, and for the addresses a page
and the visitor pages below it had before it was unpublished, deleted, restricted, moved or renamed."""

import hashlib
import threading
import types
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move, pre_page_move

GENERATION_KEY = "public-pages:generation"


class CachedForVisitors:
    """A Page mixin: what `serve` renders for a visitor is kept, for VisitorPageCacheMiddleware to answer with."""

    def serve(self, request, *args, **kwargs):
        response = super().serve(request, *args, **kwargs)
        if _served_alike(request):
            if hasattr(response, "render"):
                response.render()
            if _keepable(request, response):
                copy = (response.content, response["Content-Type"])
                cache.set(_copy_key(request), copy, settings.PUBLIC_PAGE_CACHE_SECONDS)
                _shared_with_visitors(response)
            _vary_on_cookie(response)
        return response


class VisitorPageCacheMiddleware:
    """Answers a visitor's request for a page with the kept copy, before Wagtail looks the page up. A page
    is only kept once a visitor was served it, past Wagtail's view restrictions (a visitor has no session,
    so cannot have passed one), and a restriction added later starts a new generation."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        from wagtail.views import serve as wagtail_serve  # it reads the page model, loaded after this module

        if view_func is not wagtail_serve or not _served_alike(request):
            return None
        copy = cache.get(_copy_key(request))
        if copy is None:
            return None
        content, content_type = copy
        return _vary_on_cookie(_shared_with_visitors(HttpResponse(content, content_type=content_type)))


def _vary_on_cookie(response):
    # The page differs for someone signed in: no shared cache in front may hand this copy to them.
    patch_vary_headers(response, ["Cookie"])
    return response


def _shared_with_visitors(response):
    # Only a kept copy, the same for every visitor, may be kept by a CDN: SharedCacheMiddleware decides.
    response.shared_with_visitors = True
    return response


class SharedCacheMiddleware:
    """With a CDN in front (PUBLIC_PAGE_CDN_SECONDS), the last word on what it may keep, placed outside
    the middleware that set cookies: a visitors' page copy that sets none (a session, a CSRF token, a
    message), for PUBLIC_PAGE_CDN_SECONDS, browsers asking again each time; nothing else that did not
    say for itself, which is marked private."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.PUBLIC_PAGE_CDN_SECONDS > 0 and not response.has_header("Cache-Control"):
            if getattr(response, "shared_with_visitors", False) and not response.cookies:
                patch_cache_control(response, public=True, max_age=0, s_maxage=settings.PUBLIC_PAGE_CDN_SECONDS)
            else:
                patch_cache_control(response, private=True)
        return response


def _served_alike(request) -> bool:
    return (
        settings.PUBLIC_PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        # Only the pages' own addresses, a set the editors make: with any query string kept, anyone
        # could fill the cache with copies and push the rate limits' counts out of it.
        and not request.META.get("QUERY_STRING")
        and not getattr(request, "is_preview", False)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        # Messages wait in a cookie (or in the session, which such a visitor has not got).
        and "messages" not in request.COOKIES
    )


def _keepable(request, response) -> bool:
    return (
        response.status_code == 200
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not response.has_header("Cache-Control")
    )


def _copy_key(request) -> str:
    # Once per request: the middleware looks the copy up, and on a miss the page keeps it under the same key.
    if not hasattr(request, "_visitor_copy_key"):
        # The date is in the key because pages say what is current today (an approval's expiry).
        address = f"{request.get_host()}|{request.path}|{timezone.localdate().isoformat()}"
        request._visitor_copy_key = f"public-page:{_generation()}:{hashlib.sha256(address.encode()).hexdigest()}"
    return request._visitor_copy_key


def _generation() -> str:
    # A random token rather than a counter: if the cache evicts it, the next one matches no old copy.
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex, None)
        generation = cache.get(GENERATION_KEY)
    return generation


def kept_while_published(name: str, compute):
    """`compute()`, a value read from the published pages (a str, say), kept with the visitors' copies
    and made stale with them."""
    if settings.PUBLIC_PAGE_CACHE_SECONDS <= 0:
        return compute()
    key = f"public-pages:{_generation()}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PUBLIC_PAGE_CACHE_SECONDS)
    return value


def public_pages_changed(*, signal=None, instance=None, **kwargs):
    """Start a new generation: every copy kept so far is out of date. Again once the change commits, or
    a visitor served between the two would have the page from before it kept under the new one. Then
    the CDN's copies, if one is configured (see `_cdn_purge_after_commit`)."""
    _new_generation()
    transaction.on_commit(_new_generation)
    if settings.WAGTAILFRONTENDCACHE:
        _cdn_purge_after_commit(_addresses_leaving(signal, instance, kwargs))


def _addresses_leaving(signal, instance, kwargs) -> set[str]:
    """The visitor pages' addresses that a change takes out of the visitors' reach: a page unpublished,
    deleted or restricted, and one moved or renamed, at the address it had, each with the pages below it."""
    from wagtail.models import Page, PageViewRestriction

    holder = types.SimpleNamespace()  # Wagtail keeps the sites' root paths on it: one lookup for them all
    if signal is page_slug_changed:
        # Sent once the new paths are saved: the old address of each is the old root's, plus its path below.
        old_root = kwargs["instance_before"].get_full_url(holder)
        below = _with_visitor_pages_below(instance)
        return {old_root + page.url_path.removeprefix(instance.url_path) for page in below}
    if isinstance(instance, PageViewRestriction):
        instance = instance.page
    if not isinstance(instance, Page) or signal is page_published:
        return set()
    # A move is seen before it happens (pre_page_move), at the addresses it is about to leave.
    return {address for page in _with_visitor_pages_below(instance) if (address := page.get_full_url(holder))}


def _with_visitor_pages_below(page) -> list:
    from wagtail.models import Page

    return [page, *Page.objects.descendant_of(page).type(*_visitor_page_kinds())]


_pending_purge = threading.local()


def _cdn_purge_after_commit(addresses: set[str]) -> None:
    """Once the change commits, Wagtail's purge task for every visitor page's address and for `addresses`
    (a worker runs it: a CDN's API is not waited on in an editor's request). One purge for all the
    changes of a transaction: deleting a catalog signals once for each of its pages."""
    pending = _pending_purge.__dict__.setdefault("addresses", set())
    pending.update(addresses)
    # Each change registers the callback, so the set reaches a commit even if an earlier transaction
    # that added to it rolled back (purging its addresses too does no harm); the first one empties it.
    transaction.on_commit(_cdn_purge_pending, robust=True)


def _cdn_purge_pending() -> None:
    addresses = _pending_purge.__dict__.pop("addresses", None)
    if addresses is not None:
        purge_urls_from_cache(sorted(addresses.union(visitor_page_addresses())))


def _visitor_page_kinds() -> list:
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, CachedForVisitors)]


def visitor_page_addresses() -> list[str]:
    """The full address of every page a visitor may be served a kept copy of."""
    from wagtail.models import Page

    holder = types.SimpleNamespace()
    pages = Page.objects.live().public().type(*_visitor_page_kinds())
    return [address for page in pages if (address := page.get_full_url(holder))]


def _new_generation():
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def invalidate_on_changes():
    """Called once, from LmsConfig.ready: what public pages show, and so what makes their copies stale."""
    from wagtail.models import Page, PageViewRestriction

    from courses.models import Instructor, Topic
    from credits.models import Board
    from lms.models import ProviderSettings

    for signal in (page_published, page_unpublished, pre_page_move, post_page_move, page_slug_changed):
        signal.connect(public_pages_changed, dispatch_uid="public-pages")
    post_delete.connect(public_pages_changed, sender=Page, dispatch_uid="public-pages")
    for model in (Topic, Instructor, Board, ProviderSettings, PageViewRestriction):
        for signal in (post_save, post_delete):
            signal.connect(public_pages_changed, sender=model, dispatch_uid=f"public-pages-{model.__name__}")
