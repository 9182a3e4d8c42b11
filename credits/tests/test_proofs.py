"""A proof is taken for what its bytes are: a PDF that opens, or a JPEG or PNG redrawn without its metadata."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from credits.proofs import JPEG, PDF, PNG, Proof, ProofError, proof_validate

from .factories import image_bytes, proof_image, proof_pdf


def upload(content: bytes, name="certificate.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_real_pdf_is_kept_as_sent():
    pdf = proof_pdf()

    proof = proof_validate(pdf)

    assert proof == Proof(content=pdf.file.getvalue(), content_type=PDF) and proof.extension == "pdf"


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_an_image_is_redrawn_at_its_size_whatever_its_name(kind):
    proof = proof_validate(proof_image(kind, name="scan.pdf"))

    with Image.open(io.BytesIO(proof.content)) as image:
        assert (image.format, image.size) == (kind, (240, 160))
    assert proof.content_type == {"PNG": PNG, "JPEG": JPEG}[kind]


def test_a_photo_loses_its_location_and_camera_but_stays_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone turned: to be shown rotated 90 degrees
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (51.0, 30.0, 0.0)}  # GPS latitude
    photo = image_bytes("JPEG", size=(300, 200), exif=exif.tobytes())
    assert b"PhoneMaker" in photo

    proof = proof_validate(upload(photo, "photo.jpg", "image/jpeg"))

    with Image.open(io.BytesIO(proof.content)) as image:
        assert image.size == (200, 300)
        assert not image.getexif()
    assert b"PhoneMaker" not in proof.content


def test_text_chunks_and_anything_after_a_png_are_dropped():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "home address")
    out = io.BytesIO()
    Image.new("RGB", (50, 40), "white").save(out, format="PNG", pnginfo=info)

    proof = proof_validate(upload(out.getvalue() + b"<script>alert(1)</script>"))

    assert b"home address" not in proof.content and b"<script>" not in proof.content


def refusal(content: bytes, **names) -> str:
    with pytest.raises(ProofError) as raised:
        proof_validate(upload(content, **names))
    return str(raised.value)


def test_text_named_pdf_is_not_a_pdf():
    message = refusal(b"I completed the course, honest.", name="certificate.pdf", content_type="application/pdf")

    assert "not a PDF, JPEG or PNG, whatever its name says" in message


def test_an_html_page_named_png_is_not_an_image():
    message = refusal(b"<!DOCTYPE html><html><script>alert(1)</script></html>", name="proof.png")

    assert "not a PDF, JPEG or PNG" in message


def test_html_behind_a_png_signature_is_refused():
    message = refusal(b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>")

    assert "starts like a PNG image but cannot be read as one" in message


@pytest.mark.parametrize("kind", ["PNG", "JPEG"])
def test_a_truncated_image_is_refused_even_where_pillow_lets_them_load(kind, monkeypatch):
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # as WeasyPrint sets it on import
    whole = image_bytes(kind)

    message = refusal(whole[: len(whole) // 2], name=f"cut.{kind.lower()}")

    assert f"starts like a {kind} image but cannot be read as one" in message


def test_a_png_missing_only_its_end_is_refused():
    whole = image_bytes("PNG")

    assert "cannot be read" in refusal(whole[:-12])


def test_a_pdf_that_does_not_open_is_refused():
    message = refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n", name="certificate.pdf")

    assert "starts like a PDF but cannot be opened" in message


def test_a_cut_short_pdf_is_refused():
    whole = proof_pdf().file.getvalue()

    assert "cannot be opened" in refusal(whole[: len(whole) // 3], name="certificate.pdf")


def test_a_password_protected_pdf_is_refused_with_what_to_do():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(proof_pdf().file.getvalue())))
    writer.encrypt(user_password="secret", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)

    assert "protected by a password" in refusal(out.getvalue(), name="certificate.pdf")


def test_an_oversized_file_is_refused_by_its_size_before_it_is_read(settings):
    settings.CREDIT_PROOF_MAX_BYTES = 1000
    pdf = proof_pdf()

    message = refusal(pdf.file.getvalue(), name="certificate.pdf")

    assert "proofs can be at most 1000" in message


def test_the_limit_is_five_megabytes_unless_set(settings):
    del settings.CREDIT_PROOF_MAX_BYTES
    content = b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024)

    assert "at most 5.0" in refusal(content, name="big.pdf")


def test_an_image_declaring_too_many_pixels_is_refused_before_decoding():
    out = io.BytesIO()
    Image.new("1", (10_000, 6_000)).save(out, format="PNG")  # a few kilobytes on disk

    assert "10000 by 6000 pixels, more than a proof needs" in refusal(out.getvalue())


def test_a_decompression_bomb_is_refused():
    out = io.BytesIO()
    Image.new("1", (20_000, 10_000)).save(out, format="PNG")  # past twice Pillow's MAX_IMAGE_PIXELS

    assert "far more pixels than a proof needs" in refusal(out.getvalue())


def test_an_empty_file_is_refused():
    assert "The file is empty" in refusal(b"")
