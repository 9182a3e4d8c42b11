"""The search backend: Wagtail's database backend, with one fix for SQLite's full-text search.

The SQLite backend puts each search term between double quotes in an FTS5 query without escaping the
double quotes inside it, so a search for `"` or `a"b` (in the admin's image, document or page search,
say) ends the query early and the database answers a syntax error. A double quote is not part of any
indexed word (FTS5's tokenizer splits on it), so it is read as a space before the query is built.
"""

from modelsearch.backends import database
from modelsearch.query import MATCH_ALL, And, MatchAll, Not, Or, Phrase, PlainText, SearchQuery


def SearchBackend(params):  # the name Wagtail looks up in a backend module
    backend = database.SearchBackend(params)
    if not database.USE_SQLITE_FTS:  # set by the call above: PostgreSQL, or SQLite without FTS5
        return backend
    from .sqlite import QuoteSafeSQLiteSearchBackend  # its models exist only on SQLite

    return QuoteSafeSQLiteSearchBackend(params)


def without_double_quotes(query: SearchQuery) -> SearchQuery:
    """The same query with every double quote in its text read as a space; text left empty matches all."""
    if isinstance(query, PlainText | Phrase):
        text = query.query_string.replace('"', " ")
        if not text.split():
            return MATCH_ALL
        if isinstance(query, Phrase):
            return Phrase(text)
        return PlainText(text, operator=query.operator, boost=query.boost)
    if isinstance(query, And):
        return And([without_double_quotes(subquery) for subquery in query.subqueries])
    if isinstance(query, Or):
        subqueries = [without_double_quotes(subquery) for subquery in query.subqueries]
        return MATCH_ALL if any(isinstance(subquery, MatchAll) for subquery in subqueries) else Or(subqueries)
    if isinstance(query, Not):
        return Not(without_double_quotes(query.subquery))
    return query
