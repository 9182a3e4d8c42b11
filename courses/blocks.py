"""StreamField blocks for lesson bodies. Each renders through a template in templates/blocks/."""

from django.core.exceptions import ValidationError
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

from .sizing import ContentSize, count_words

PROSE_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]
INLINE_FEATURES = ["bold", "italic", "link"]


class HeadingBlock(blocks.CharBlock):
    class Meta:
        icon = "title"
        template = "blocks/heading.html"
        form_classname = "title"


class ImageWithCaptionBlock(blocks.StructBlock):
    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        max_length=250,
        help_text="Describe what the image shows for readers who cannot see it.",
    )
    caption = blocks.CharBlock(required=False, max_length=300)
    credit = blocks.CharBlock(required=False, max_length=200, help_text="Who made the image; the license if any.")

    class Meta:
        icon = "image"
        template = "blocks/image.html"


class VideoBlock(blocks.StructBlock):
    video = EmbedBlock(help_text="A YouTube or Vimeo address.")
    title = blocks.CharBlock(max_length=200)
    duration_minutes = blocks.IntegerBlock(
        min_value=1,
        help_text="Running time in whole minutes; one hour of video is one CE hour.",
    )
    # The running time already counts toward sizing; the transcript would count the same minutes twice.
    transcript = blocks.RichTextBlock(required=False, features=PROSE_FEATURES, search_index=False)

    class Meta:
        icon = "media"
        template = "blocks/video.html"


CALLOUT_KINDS = {
    "clinical_note": "Clinical note",
    "contraindication": "Contraindication warning",
    "key_point": "Key point",
}


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=list(CALLOUT_KINDS.items()), default="key_point", search_index=False)
    title = blocks.CharBlock(required=False, max_length=200)
    text = blocks.RichTextBlock(features=PROSE_FEATURES)

    class Meta:
        icon = "warning"
        template = "blocks/callout.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["kind_label"] = CALLOUT_KINDS[value["kind"]]
        return context


class DocumentBlock(blocks.StructBlock):
    document = DocumentChooserBlock()
    title = blocks.CharBlock(max_length=200)
    description = blocks.CharBlock(required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        template = "blocks/document.html"


class TechniqueStepBlock(blocks.StructBlock):
    text = blocks.RichTextBlock(features=INLINE_FEATURES)
    image = ImageChooserBlock(required=False)
    image_alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Required with an image: what the hands and the client's body are doing.",
    )

    def clean(self, value):
        value = super().clean(value)
        if value["image"] and not value["image_alt_text"].strip():
            raise StructBlockValidationError(
                block_errors={"image_alt_text": ValidationError("Describe the image for readers who cannot see it.")}
            )
        return value


class TechniqueStepsBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=200)
    steps = blocks.ListBlock(TechniqueStepBlock(), min_num=1)

    class Meta:
        icon = "list-ol"
        template = "blocks/technique_steps.html"


class LessonBodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=PROSE_FEATURES, template="blocks/paragraph.html")
    image = ImageWithCaptionBlock()
    video = VideoBlock()
    callout = CalloutBlock()
    document = DocumentBlock()
    technique_steps = TechniqueStepsBlock()

    def content_size(self, value) -> ContentSize:
        """Words a reader reads plus minutes of video, for reading time and CE sizing."""
        video_minutes = sum(child.value["duration_minutes"] for child in value if child.block_type == "video")
        return ContentSize(words=count_words(self.get_searchable_content(value)), video_minutes=video_minutes)
