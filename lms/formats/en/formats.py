"""How every page, email and PDF writes a date or a time, in US English: `{{ value|date:"DATE_FORMAT" }}`,
`|date:"DATETIME_FORMAT"`, `|time:"TIME_FORMAT"` in templates, `django.utils.formats.date_format` in Python.
A time always names its zone ("3:00 PM EST"), since the reader's zone may not be the provider's."""

DATE_FORMAT = "F j, Y"  # June 30, 2028
TIME_FORMAT = "g:i A T"  # 3:00 PM EST
DATETIME_FORMAT = "F j, Y, g:i A T"  # June 30, 2028, 3:00 PM EST
MONTH_DAY_FORMAT = "F j"
YEAR_MONTH_FORMAT = "F Y"
