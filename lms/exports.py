"""The one way the admin's reports leave as spreadsheets: Wagtail's export, with formula-looking text kept as text.

A title or a question prompt is typed by an instructor; a spreadsheet that opens the file would run
one starting with `=`, `+`, `-` or `@` as a formula (OWASP's "CSV injection"). Wagtail 8 already
writes such cells as text in XLSX (it turns openpyxl's formula cells back into strings) but writes CSV
cells exactly as they are, so the CSV cells get the guard here.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

# Excel, LibreOffice and Google Sheets start a formula at any of these (a tab or carriage return
# is dropped first by some of them, so it counts too).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value):
    """A text cell that would start a formula gets a leading apostrophe, which spreadsheets show as text.

    Numbers are left alone: a negative number is not a formula, and a quote would make it text.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class GuardedSpreadsheetExportMixin(SpreadsheetExportMixin):
    """Wagtail's CSV and XLSX export, for report views and for rows that are not a queryset.

    Outside a view, set `list_export` and `export_headings` for every column and call
    `as_spreadsheet(rows, format)`.
    """

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return spreadsheet_text(value) if export_format == self.FORMAT_CSV else value
