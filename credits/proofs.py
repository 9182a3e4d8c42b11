"""Proof of a credit reported from elsewhere: a PDF, JPEG or PNG certificate, checked before it is kept.

The type is read from the file's first bytes, never from its name or the browser's word for it. Images are
decoded and written out again, which drops their metadata (a phone photo's location) and anything hidden
after the picture; reviewers open them from our own site, so only what Pillow drew reaches them. PDFs cannot
be redrawn without losing what they certify, so they are kept as sent once pypdf has read their page tree:
pypdf is pure Python and already pinned for the tests (a runtime dependency from now on), where checking the
header and trailer by hand would take a damaged file whose pages no viewer can show.
"""

import io
from dataclasses import dataclass

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps
from pypdf import PdfReader

from lms.errors import DomainError

DEFAULT_MAX_BYTES = 5 * 1024 * 1024

# A certificate photographed by a phone is 12 to 48 megapixels; a small file declaring far more is a
# decompression bomb, refused before its pixels are decoded.
MAX_PIXELS = 50_000_000

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
_SIGNATURES = [(b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG)]
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}


class ProofError(DomainError):
    """Why an uploaded proof was refused, in words for the practitioner who sent it."""


@dataclass(frozen=True)
class Proof:
    """A checked proof, ready to store: its bytes (re-encoded for images) and their content type."""

    content: bytes
    content_type: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def max_bytes() -> int:
    return getattr(settings, "CREDIT_PROOF_MAX_BYTES", DEFAULT_MAX_BYTES)


def proof_validate(upload) -> Proof:
    """The checked proof from an uploaded file, or ProofError saying what is wrong with it."""
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ProofError(
            f"The file is {filesizeformat(upload.size)}; proofs can be at most {filesizeformat(limit)}. "
            "Scan or photograph the certificate at a lower resolution, or save it as a PDF."
        )
    upload.seek(0)
    # One byte more than the limit tells an upload whose declared size was wrong.
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ProofError(f"The file is larger than {filesizeformat(limit)}, the most a proof can be.")
    if not content:
        raise ProofError("The file is empty. Choose the certificate's PDF, JPEG or PNG file.")
    content_type = sniff(content)
    if content_type is None:
        raise ProofError(
            "This file is not a PDF, JPEG or PNG, whatever its name says. "
            "Upload the certificate as a PDF, or a photo or scan of it as JPEG or PNG."
        )
    if content_type == PDF:
        _check_pdf(content)
        return Proof(content=content, content_type=PDF)
    return Proof(content=_reencoded_image(content, content_type), content_type=content_type)


def sniff(content: bytes) -> str | None:
    """The content type that the file's first bytes announce, if it is one we take."""
    for signature, content_type in _SIGNATURES:
        if content.startswith(signature):
            return content_type
    return None


def _reencoded_image(content: bytes, content_type: str) -> bytes:
    kind = "JPEG" if content_type == JPEG else "PNG"
    unreadable = ProofError(
        f"This file starts like a {kind} image but cannot be read as one: it may be damaged, cut short "
        "in uploading, or another kind of file renamed. Export the image again and upload that."
    )
    pillow_format = _PILLOW_FORMATS[content_type]
    try:
        if content_type == PNG:
            # A PNG cut short after its pixels still decodes; verify() reads every chunk's checksum to the end.
            with Image.open(io.BytesIO(content), formats=[pillow_format]) as image:
                image.verify()
        # Opening reads only the header, so the size is checked before any pixel is decoded. MAX_PIXELS is
        # below Pillow's own MAX_IMAGE_PIXELS, past which open() raises DecompressionBombError at twice it.
        stream = _EndWatch(content)
        with Image.open(stream, formats=[pillow_format]) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _too_many_pixels(width, height)
            image.load()
            if stream.ran_out:
                raise unreadable
            return _encoded(ImageOps.exif_transpose(image), content_type)
    except Image.DecompressionBombError:
        raise ProofError(
            f"This image declares far more pixels than a proof needs (at most {MAX_PIXELS // 1_000_000} "
            "megapixels), so it was not opened. Export it at a smaller size."
        ) from None
    except ProofError:
        raise
    # A damaged, truncated or impostor file fails wherever the decoder notices (OSError for a truncated one,
    # SyntaxError for a bad header, a struct or key error deep in a chunk): each means it is no such image.
    except Exception:
        raise unreadable from None


class _EndWatch(io.BytesIO):
    """Notes a read past the end of the data: the decoder wanted more pixels than the file holds.

    Pillow refuses such a truncated image only while ImageFile.LOAD_TRUNCATED_IMAGES is off, and WeasyPrint
    switches it on for the whole process when it is imported, so the check cannot rest on Pillow's."""

    ran_out = False

    def read(self, size=-1, /):
        data = super().read(size)
        if not data and size != 0:
            self.ran_out = True
        return data


def _too_many_pixels(width: int, height: int) -> ProofError:
    return ProofError(
        f"This image is {width} by {height} pixels, more than a proof needs (at most {MAX_PIXELS // 1_000_000} "
        "megapixels). Export it at a smaller size."
    )


def _encoded(image: Image.Image, content_type: str) -> bytes:
    """The picture alone, written afresh: no EXIF, no comments, no text chunks, nothing appended."""
    out = io.BytesIO()
    if content_type == JPEG:
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(out, format="JPEG", quality=90, optimize=True)
    else:
        if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
            image = image.convert("RGBA")
        image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _check_pdf(content: bytes) -> None:
    unreadable = ProofError(
        "This file starts like a PDF but cannot be opened as one: it may be damaged or cut short in "
        "uploading. Download or export the certificate again and upload that file."
    )
    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ProofError(
                "This PDF is protected by a password, so reviewers could not open it. "
                "Save a copy without the password and upload that."
            )
        pages = len(reader.pages)
    except ProofError:
        raise
    # A malformed file can fail anywhere in pypdf's parser, with any exception; each means it does not open.
    except Exception:
        raise unreadable from None
    if pages == 0:
        raise ProofError("This PDF has no pages. Upload the certificate itself.")
