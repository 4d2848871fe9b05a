"""Citation checking: every quote must occur verbatim in the article its source names.

Whitespace, quotation marks, apostrophes and dashes may differ (articles mix straight and curly
quotes, `ʼ` and `'`, `—` and `-`); everything else must match exactly, case included. A source
known only by its URL (no `file`) cannot be checked: its quotes are reported as "not checked"
(a warning), not as errors.
"""

from __future__ import annotations

import re
from pathlib import Path

from reasoner.errors import Diagnostic, error, warning
from reasoner.events.ast import Citation, EventFile, SourceDecl

_SAME = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u02bc": "'", "\u2032": "'",
    "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-",
    "\u2212": "-", "\u00a0": " ",
})
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Text with quote marks, apostrophes and dashes made plain and whitespace collapsed."""
    return _SPACES.sub(" ", text.translate(_SAME)).strip()


def check_citations(files: list[EventFile], articles_dir: Path) -> list[Diagnostic]:
    """A diagnostic for every quote not found in its source's article (an error) or not
    checked because its source has only a URL (a warning), sorted by position."""
    sources = {
        s.id.text: s for f in files for s in f.statements if isinstance(s, SourceDecl)
    }
    articles: dict[str, str | None] = {}
    problems: list[Diagnostic] = []
    for citation in _citations(files):
        if citation.quote is None:
            continue  # reported by lowering
        source = sources.get(citation.source.text)
        if source is None:
            problems.append(error(f"source `{citation.source.text}` is not declared in these files",
                                  citation.source.span))
            continue
        if source.file is None and source.url is not None:
            problems.append(warning(
                f"quote not checked: source `{source.id.text}` is known only by its URL",
                citation.quote.span, f'to check it, save the article and add to the source: file "ARTICLE.txt"'))
            continue
        if source.file is None:
            problems.append(error(f"source `{source.id.text}` names no article file", citation.source.span,
                                  f'add to the source: file "ARTICLE.txt"'))
            continue
        article = _article(articles, articles_dir, source.file.text)
        if article is None:
            problems.append(error(f"article `{source.file.text}` not found in {articles_dir}",
                                  citation.source.span))
            continue
        quote = normalize(citation.quote.text)
        if quote and quote not in article:
            problems.append(error(
                f"quote not found in article `{source.file.text}`", citation.quote.span,
                _closest(quote, article),
            ))
    return sorted(problems, key=Diagnostic.sort_key)


def _citations(files: list[EventFile]) -> list[Citation]:
    return [c for f in files for s in f.statements for c in getattr(s, "citations", ())]


def _article(cache: dict[str, str | None], directory: Path, name: str) -> str | None:
    if name not in cache:
        path = directory / name
        cache[name] = normalize(path.read_text(encoding="utf-8")) if path.is_file() else None
    return cache[name]


def _closest(quote: str, article: str) -> str:
    """Say how much of the quote matches: its longest prefix found in the article."""
    low, high = 0, len(quote)
    while low < high:
        middle = (low + high + 1) // 2
        if quote[:middle] in article:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return "no part of it occurs in the article; copy the quote verbatim"
    at = article.index(quote[:low])
    return (f"the first {low} characters match; then the quote has {quote[low:low + 20]!r} "
            f"where the article has {article[at + low:at + low + 20]!r}")
