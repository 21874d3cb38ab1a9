"""The extractive answer, composed by intent from the article's own items, each line an exact cited span.

- list: the whole field of each role (every item in article order, notes such as 红线/备注 included);
- specific: the best sentences of the winning passages, the asked role and field first;
- compare: each role side by side, field by field (its heading, then the best items of each field);
- which_roles: one line per role whose passages say it, with the sentence that says it;
- overview: the role's heading, its first duty and its goal.
The only words not quoted from the article are group titles (【role · field】) and one framing line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ingest.chunk import Chunk, Citation
from ingest.index import Index
from ingest.fields import DESCRIPTION_FIELD
from ingest.parse import Article, sentence_spans
from rag.catalog import Catalog
from rag.coverage import lexical_share
from rag.question import Intent, Question, comparison_sides, content_terms
from rag.retrieve import Hit, retrieve

Span = tuple[Chunk, int, int]  # a chunk and the part of it [start:end] that is quoted

MAX_SENTENCES = 12
SENTENCE_FLOOR = 0.35  # a sentence is shown when it scores at least this share of the best one
TOP_PASSAGES = 8  # the passages a specific answer picks its sentences from
FIELD_BONUS = 0.2
ASKED_FIELD_PASSAGES = 2  # the asked field's own best passages, read besides the role's top passages
OTHER_PASSAGES = 2  # passages of other roles a described role's answer may quote, after its own
OWN_BONUS = 0.5  # what a sentence of the question's own roles scores above one of another role
COMPARE_FIELDS = ("职责职能", "目标动机")
COMPARE_ITEMS = 2  # items per role and field in a comparison
WHICH_ROLES_MAX = 8
LIST_AFTER_LABEL = 15  # the most items a list-introducing line brings with it
_INTRODUCES = re.compile(r"^【[^】]{1,12}】$|^.{1,24}[:：]$")
_HASHTAG = re.compile(r"#[^#\s]{1,20}#")
_LISTED = re.compile(r"^\s*(?:\d{1,2}[.、．)）]|[(（]\d{1,2}[)）]|[-•·*]|[一二三四五六七八九十]{1,2}[、.])")
WHICH_ROLES_LEXICAL = 0.4  # a role is listed when its best passage holds this share of the question's content
WHICH_ROLES_MARGIN = 0.03  # … or is this close in meaning to the best passage of any role
WHICH_ROLES_RANK_FLOOR = 0.6  # not in Chinese: a role is listed while its best passage fuses to this share of the best (dev)


@dataclass(frozen=True)
class Composition:
    intent: Intent
    segments: tuple[tuple[str, tuple[int, ...]], ...]  # (text, citation numbers) — titles carry none
    citations: tuple[Citation, ...]
    roles: tuple[str, ...]


def compose(q: Question, evidence: Sequence[Hit], index: Index, catalog: Catalog) -> Composition:
    """The extractive answer for a covered question whose scope `understand` has settled."""
    match q.intent:
        case "list":
            spans = _whole_fields(index, catalog, q.roles[:3], q.fields)
        case "compare":
            spans = _comparison(q, evidence, index, catalog)
        case "which_roles":
            spans = _which_roles(q, evidence, index, catalog)
        case "overview":
            spans = _overviews(index, catalog, q.roles[:3])
        case _:
            spans = _best_sentences(q, evidence, index, catalog)
            if q.about_article:
                spans = _with_introduced_lists(spans, index)
    if not spans:  # e.g. a list of a field the role does not have: the best sentences instead
        spans = _best_sentences(q, evidence, index, catalog)
    return _render(q, spans)


def _with_introduced_lists(spans: list[Span], index: Index) -> list[Span]:
    """Each chosen line that introduces a list (【文章导航】, 本文分为以下几部分:) followed by the numbered or bulleted
    items after it in its section, in their order: the label alone answers nothing."""
    out: list[Span] = []
    for span in spans:
        out.append(span)
        chunk = span[0]
        if chunk.role is None and _INTRODUCES.search(chunk.text):
            row = index.chunks.row(chunk.id)  # a section's chunks are consecutive rows in corpus order
            for after in range(row + 1, min(row + 1 + LIST_AFTER_LABEL, len(index.chunks))):
                item = index.chunks.at(after)
                if (item.source, item.section_id) != (chunk.source, chunk.section_id) or not _LISTED.match(item.text):
                    break
                out.append((item, item.start, item.end))
    first: dict[tuple[str, int], Span] = {}
    for chunk, start, end in out:  # a line the sentences had chosen too is shown once, where its list puts it
        first.setdefault((chunk.id, start), (chunk, start, end))
    return list(first.values())


def _render(q: Question, spans: Sequence[Span]) -> Composition:
    citations: list[Citation] = []
    segments: list[tuple[str, tuple[int, ...]]] = []
    if q.lang != "zh":
        segments.append(("The article (in Chinese) answers this in the passages below:", ()))
    group = None
    for chunk, start, end in spans:
        if (chunk.role_key, chunk.field) != group:
            group = (chunk.role_key, chunk.field)
            segments.append((group_title(chunk), ()))
        citations.append(chunk.cite(start, end))
        segments.append((citations[-1].quote, (len(citations),)))
    roles = tuple(dict.fromkeys(c.role_key for c in citations if c.role_key)) or q.roles
    return Composition(q.intent, tuple(segments), tuple(citations), roles)


def group_title(chunk: Chunk) -> str:
    if role := chunk.role_key:
        return f"【{role} · {chunk.field}】" if chunk.field else f"【{role}】"
    return f"【{chunk.heading.strip('【】') or '文章'}】"


def role_chunks(index: Index, catalog: Catalog, role: str) -> list[Chunk]:
    """A role's chunks (by key) in article order, from the document the catalog gives the role."""
    source = catalog.entries[role].article.source if role in catalog.entries else None
    return [c for c in index.role_chunks(role) if c.source == source]


def _heading(chunks: Sequence[Chunk]) -> list[Span]:
    """A role's heading line, the span that opens its part of an answer (none for a role without one)."""
    return [(c, c.start, c.end) for c in chunks if c.kind == "heading"][:1]


def _whole_fields(index: Index, catalog: Catalog, roles: Sequence[str], fields: Sequence[str]) -> list[Span]:
    spans: list[Span] = []
    for role in roles:
        chunks = role_chunks(index, catalog, role)
        own = [f for f in fields if any(c.field == f for c in chunks)] or [DESCRIPTION_FIELD]
        spans += [(c, c.start, c.end) for f in own for c in chunks if c.field == f and c.kind != "lead"]
    return spans


def _overviews(index: Index, catalog: Catalog, roles: Sequence[str]) -> list[Span]:
    """What a role is: its heading, the first sentence of its first duty (or description) and of its goal."""
    spans: list[Span] = []
    for role in roles:
        chunks = role_chunks(index, catalog, role)
        spans += _heading(chunks)
        for name in ("职责职能", DESCRIPTION_FIELD, "目标动机"):
            first = next((c for c in chunks if c.field == name and c.kind == "item"), None)
            if first:
                spans.append((first, *sentence_spans(first.text, first.start)[0]))
    return spans


def _comparison(q: Question, evidence: Sequence[Hit], index: Index, catalog: Catalog) -> list[Span]:
    """Each role in turn: its heading, then the asked fields whole, or else what it says of the question's own
    content ("在供应商管理上", "how do their quality checks differ") and its first duties and its goal."""
    asked = _asked_of_each(q, catalog, index)
    spans: list[Span] = []
    for role in q.roles[:3]:
        chunks = role_chunks(index, catalog, role)
        spans += _heading(chunks)
        if q.fields:
            spans += _whole_fields(index, catalog, [role], q.fields)
            continue
        own = [f for f in COMPARE_FIELDS if any(c.field == f for c in chunks)] or [DESCRIPTION_FIELD]
        items: list[Chunk] = []
        for name in own:
            items += [c for c in chunks if c.field == name and c.kind == "item"][:COMPARE_ITEMS]
        shown = [(c, c.start, c.end) for c in items]
        if asked:
            own_evidence = retrieve(q.text, index, k=TOP_PASSAGES, roles=[role])
            said = _best_sentences(replace(q, roles=(role,), named=True), own_evidence, index, catalog)
            shown += [span for span in said if span[0] not in items][:COMPARE_ITEMS]
        spans += sorted(shown, key=lambda span: (index.chunks.row(span[0].id), span[1]))  # field by field, as the article runs
    return spans


def _asked_of_each(q: Question, catalog: Catalog, index: Index) -> list[str]:
    """What a comparison compares the roles on: its content words, less those that describe an unnamed side."""
    terms = content_terms(q.text, catalog, index.idf)  # role names are not content
    if q.named:
        return terms
    described = {t for side in comparison_sides(q.text) for t in content_terms(side, catalog, index.idf)}
    return [t for t in terms if t not in described]


def _which_roles(q: Question, evidence: Sequence[Hit], index: Index, catalog: Catalog) -> list[Span]:
    """One passage per role that says what the question asks, the roles that say it most plainly first.

    Each role is represented by its retrieved passage that holds most of the question's content (an asked
    field breaks ties); a role is listed when that passage holds `WHICH_ROLES_LEXICAL` of the content, or some
    of it and the role is close in meaning to the best. A question in another language lists the roles by the rank
    of their best passages: its words reach the article only as a dictionary's several senses each, so that no
    share of them measures how plainly a passage says it, while the ranking they join does."""
    if q.business_model:
        return _roles_of_model(q.business_model, index, catalog)
    terms = content_terms(q.text, catalog, index.idf)
    by_role: dict[str, list[tuple[int, Hit]]] = {}
    for rank, hit in enumerate(evidence):
        if hit.chunk.role_key and hit.chunk.kind not in ("heading", "lead"):
            by_role.setdefault(hit.chunk.role_key, []).append((rank, hit))
    if q.lang != "zh":
        return _roles_by_rank([hits[0][1] for hits in by_role.values()], terms, index)
    lexical = bool(terms)
    if lexical:  # a role's passage that says it in the question's words counts even when retrieval ranked it low
        for chunk in index.containing(terms):
            if chunk.role_key and chunk.kind not in ("heading", "lead") and lexical_share(chunk.text, terms, index) >= WHICH_ROLES_LEXICAL:
                by_role.setdefault(chunk.role_key, []).append((len(evidence), Hit(chunk, 0.0, 0.0, 0.0)))
    if not by_role:
        return []
    top = max(h.similarity for h in evidence)
    kept: list[tuple[float, float, Hit]] = []
    for hits in by_role.values():
        scored = [(lexical_share(h.chunk.text, terms, index) if lexical else 0.0, h.chunk.field in q.fields, -r, h) for r, h in hits]
        share, _, _, best = max(scored, key=lambda s: s[:3])
        similarity = max(h.similarity for _, h in hits)
        if share >= WHICH_ROLES_LEXICAL or (similarity >= top - WHICH_ROLES_MARGIN and (share > 0 or not lexical)):
            kept.append((share, similarity, best))
    kept.sort(key=lambda k: (-k[0], -k[1], k[2].chunk.id))
    return [_best_sentence(hit.chunk, terms, index) for _, _, hit in kept[:WHICH_ROLES_MAX]]


def _roles_by_rank(best: Sequence[Hit], terms: Sequence[str], index: Index) -> list[Span]:
    """Each role's best-ranked passage (`best`, in rank order) while its fused score is `WHICH_ROLES_RANK_FLOOR` of
    the best one's, shown by its sentence that holds most of the question's content."""
    top = max((h.score for h in best), default=0.0)
    kept = [h for h in best if h.score >= WHICH_ROLES_RANK_FLOOR * top][:WHICH_ROLES_MAX]
    return [_best_sentence(hit.chunk, terms, index) for hit in kept]


def _roles_of_model(model: str, index: Index, catalog: Catalog) -> list[Span]:
    """Every role whose headings give it the business model (直营, 平台型, 通用), by its heading, in article order."""
    spans: list[Span] = []
    for key, entry in catalog.entries.items():
        if entry.section.mode == model:
            spans += _heading(role_chunks(index, catalog, key))
    return spans


def says_it(q: Question, evidence: Sequence[Hit], index: Index, catalog: Catalog) -> bool:
    """Whether some retrieved passage holds most of the question's content in its own words (Chinese only): a role's
    passage, or for a question about the article itself (its navigation, its conclusion) an article-level one."""
    terms = content_terms(q.text, catalog)
    return q.lang == "zh" and bool(terms) and any(
        bool(h.chunk.role) != q.about_article and lexical_share(h.chunk.text, terms, index) >= WHICH_ROLES_LEXICAL
        for h in evidence
    )


def _is_masthead(sentence: str, article: Article) -> bool:
    """A line of the page around the article, not of its text: its title, publisher, date, a hashtag (#财经#)."""
    for name in (article.title, article.publisher, article.date):
        sentence = sentence.replace(name, "") if name else sentence
    return len(re.sub(r"[\W\d_]", "", _HASHTAG.sub("", sentence))) < 2


def _best_sentence(chunk: Chunk, terms: Sequence[str], index: Index) -> Span:
    spans = sentence_spans(chunk.text, chunk.start)
    scored = [(lexical_share(chunk.text[s - chunk.start : e - chunk.start], terms, index), -n, s, e) for n, (s, e) in enumerate(spans)]
    _, _, start, end = max(scored)
    return chunk, start, end


def _best_sentences(q: Question, evidence: Sequence[Hit], index: Index, catalog: Catalog) -> list[Span]:
    """The few sentences of the top passages that best match the question, best first.

    Each sentence scores by its passage's fused rank and by how much of the question's content it holds; a
    sentence of an asked field gets `FIELD_BONUS`, so "做什么" prefers duties yet a method that holds what was
    asked (薪酬) still wins over a duty that does not. For a role the evidence voted for, the best passages of
    other roles are read too, their sentences `OWN_BONUS` behind: shown when they say it much better."""
    hits = [h for h in evidence if h.chunk.kind not in ("heading", "lead")] or list(evidence)
    own = ([h for h in hits if h.chunk.role_key in q.roles] if q.roles else hits) or hits
    # a role voted for (described, not named) may be the wrong one: the best passages of others follow its own
    others = [] if q.named or not q.roles else [h for h in hits if h.chunk.role_key not in q.roles][:OTHER_PASSAGES]
    own = own if q.about_article else own[:TOP_PASSAGES]  # the article's own lines are few and short: all are read
    if q.roles and q.fields:  # the asked field's best passages are read even when the role's others outrank them
        read = {h.chunk.id for h in own}
        asked = retrieve(q.text, index, k=ASKED_FIELD_PASSAGES, roles=q.roles, fields=q.fields)
        own += [h for h in asked if h.chunk.id not in read and h.chunk.kind not in ("heading", "lead")]
    hits = own + others
    if not hits:
        return []
    terms = content_terms(q.text, catalog, index.idf)
    top = hits[0].score
    articles = {a.source: a for a in catalog.articles}
    scored: list[tuple[float, int, int, Span]] = []
    for rank, hit in enumerate(hits):
        bonus = (FIELD_BONUS if hit.chunk.field in q.fields else 0.0) + (0.0 if hit in others else OWN_BONUS)
        for start, end in sentence_spans(hit.chunk.text, hit.chunk.start):
            sentence = hit.chunk.text[start - hit.chunk.start : end - hit.chunk.start]
            if hit.chunk.source in articles and _is_masthead(sentence, articles[hit.chunk.source]):
                continue
            overlap = lexical_share(sentence, terms, index) if terms else 0.0
            scored.append((0.5 * hit.score / top + 0.5 * overlap + bonus, rank, start, (hit.chunk, start, end)))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    floor = SENTENCE_FLOOR * scored[0][0]
    return [span for score, _, _, span in scored[:MAX_SENTENCES] if score >= floor]
