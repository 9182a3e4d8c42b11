from django import forms

from credits.models import DeliveryType

from .models import CourseEvaluation, CourseLevel, Topic


class CatalogueFilterForm(forms.Form):
    """The catalogue's filters. Every field is optional, and one that does not validate is ignored."""

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


class LessonPostForm(forms.Form):
    text = forms.CharField(
        label="Your question",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=8000,
        help_text="Plain text, or simple HTML: bold, italics, lists, code and links.",
    )


class HidePostForm(forms.Form):
    reason = forms.CharField(max_length=300)
