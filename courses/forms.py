from django import forms

from accounts.models import Licence
from credits.models import DeliveryType
from credits.presentation import licence_place

from .models import CourseEvaluation, CourseLevel, Topic
from .models.learning import AGREEMENT_SCALE


class LicenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, licence):
        return f"{licence_place(licence)} license {licence.number}"


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters. Every field is optional, and one that does not validate is ignored.

    A signed-in practitioner may also keep the courses that count toward what one of their own licenses
    still needs; any other license id is not a choice, so it is ignored like any other junk. Given the
    catalogue's `courses`, only the topics of those courses are offered."""

    q = forms.CharField(label="Search courses", required=False, max_length=200)
    topic = forms.ModelChoiceField(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label="All topics",
    )
    level = forms.ChoiceField(choices=[("", "Any level"), *CourseLevel.choices], required=False)
    delivery = forms.ChoiceField(label="Format", choices=[("", "Any format"), *DeliveryType.choices], required=False)
    hours_min = forms.DecimalField(label="CE hours from", required=False, min_value=0, max_digits=5, decimal_places=2)
    hours_max = forms.DecimalField(label="CE hours to", required=False, min_value=0, max_digits=5, decimal_places=2)
    price = forms.ChoiceField(choices=[("", "Any price"), ("free", "Free"), ("paid", "Paid")], required=False)
    licence = LicenceChoiceField(
        label="Counts toward what I still need",
        queryset=Licence.objects.none(),
        required=False,
        empty_label="Any course",
    )

    def __init__(self, *args, user=None, courses=None, **kwargs):
        super().__init__(*args, **kwargs)
        if courses is not None:
            # A topic with nothing to show would only lead to an empty page.
            self.fields["topic"].queryset = Topic.objects.filter(pk__in=courses.values("topic"))
        licences = Licence.objects.none()
        if user is not None and user.is_authenticated:
            licences = Licence.objects.filter(user=user).select_related("board").order_by("expires_on", "pk")
        if licences.exists():
            self.fields["licence"].queryset = licences
        else:
            del self.fields["licence"]

    def valid_filters(self) -> dict:
        """The filters that validated; junk in any one field leaves the others working."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class CourseEvaluationForm(forms.ModelForm):
    class Meta:
        model = CourseEvaluation
        fields = [*CourseEvaluation.STATEMENTS, "comments"]
        widgets = {name: forms.RadioSelect for name in CourseEvaluation.STATEMENTS}
        labels = {"comments": "Anything else you would like the instructor or the provider to know?"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, statement in CourseEvaluation.STATEMENTS.items():
            field = self.fields[name]
            # A model field's choices bring a blank "---------" entry that a radio group would offer as an answer,
            # and an unbound form would pick it: each statement starts unanswered, with only the scale to choose.
            field.choices = AGREEMENT_SCALE
            field.initial = None
            field.error_messages["required"] = f"Choose an answer for “{statement}”"
            field.error_messages["invalid_choice"] = f"Choose one of the five answers for “{statement}”"


class LessonPostForm(forms.Form):
    text = forms.CharField(
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text="Plain text, or simple HTML: bold, italics, lists, code and links.",
    )


class HidePostForm(forms.Form):
    reason = forms.CharField(max_length=300)
