"""The checked address of a locked lesson's images: the page never shows their media addresses."""

import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from wagtail.images import get_image_model
from wagtail.images.models import SourceImageIOError

from . import media


@require_GET
def lesson_image(request, image_id, filter_spec):
    """A rendition of an image for someone who may read a lesson that shows it; 404 for anyone else,
    as for an image that does not exist."""
    image = get_object_or_404(get_image_model(), pk=image_id)
    if filter_spec not in media.LESSON_IMAGE_FILTERS:
        raise Http404("No such image size.")
    access = media.media_access(user=request.user, item=image)
    if access is media.MediaAccess.DENIED:
        raise Http404("No such image.")
    try:
        rendition = image.get_rendition(filter_spec)
    except SourceImageIOError as error:  # the original file is gone from storage
        raise Http404("No such image.") from error
    response = FileResponse(rendition.file.open("rb"), content_type=mimetypes.guess_type(rendition.file.name)[0])
    # The rendition's file name would give its media address away.
    del response["Content-Disposition"]
    scope = "public" if access is media.MediaAccess.PUBLIC else "private"
    response["Cache-Control"] = f"{scope}, max-age=3600"
    return response
