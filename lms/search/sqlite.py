from modelsearch.backends.database.sqlite.sqlite import (
    SQLiteAutocompleteQueryCompiler,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)

from . import without_double_quotes


class QuoteSafeQueryCompilerMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.query = without_double_quotes(self.query)


class QuoteSafeSearchQueryCompiler(QuoteSafeQueryCompilerMixin, SQLiteSearchQueryCompiler):
    pass


class QuoteSafeAutocompleteQueryCompiler(QuoteSafeQueryCompilerMixin, SQLiteAutocompleteQueryCompiler):
    pass


class QuoteSafeSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = QuoteSafeSearchQueryCompiler
    autocomplete_query_compiler_class = QuoteSafeAutocompleteQueryCompiler
