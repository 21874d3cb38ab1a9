"""The roles of the corpus and their fields; lookup by canonical name, alias, or close variant."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ingest.chunk import Citation, role_keys
from ingest.corpus import Skipped, read_corpus
from ingest.parse import Article, Section

_STRIP_PREFIXES = ("电商",)
_SUFFIX_SHORTENINGS = (("管理总监", "总监"), ("管理经理", "经理"), ("管理", ""), ("分析师", "分析"))
_MIN_ALIAS = 2
_PLURAL = "(?:e?s)?"


class UnknownRole(LookupError):
    """No role matches the name; `suggestions` are the closest canonical names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no role named '{name}' in the article{hint}")
        self.name = name
        self.suggestions = suggestions


class AmbiguousRole(UnknownRole):
    """Several documents describe a role of this name; `suggestions` are their keys (`采购员 · <title>`)."""

    def __init__(self, name: str, choices: list[str], sources: list[str]) -> None:
        LookupError.__init__(
            self,
            f"'{name}' is described by {len(choices)} documents: {', '.join(choices)}; "
            f"name one of them, or pass --source ({', '.join(sources)})",
        )
        self.name = name
        self.suggestions = choices


@dataclass(frozen=True)
class RoleEntry:
    section: Section
    article: Article
    key: str  # the role's name, or `采购员 · <document title>` when documents hold different roles of that name

    @property
    def name(self) -> str:
        return self.section.name

    def cite(self, node_id: str, field: str | None, start: int, end: int) -> Citation:
        """The span [start:end] of this role's document as a citation of the role."""
        return Citation(self.article.source, node_id, self.name, field, start, end, self.article.text[start:end], self.key)

    def heading_citation(self) -> Citation:
        section = self.section
        return self.cite(section.id, None, section.start, section.start + len(section.heading))


@dataclass(frozen=True)
class Catalog:
    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...] = ()  # corpus files not read as role documents, with the reason

    @cached_property
    def entries(self) -> dict[str, RoleEntry]:
        """Roles by key, in article order (same-named roles with the same text are one role: the first)."""
        keys = role_keys(self.articles)
        entries: dict[str, RoleEntry] = {}
        for article in self.articles:
            for section in article.roles:
                key = keys[(article.source, section.name)]
                entries.setdefault(key, RoleEntry(section, article, key))
        return entries

    @cached_property
    def _owners(self) -> dict[str, tuple[str, ...]]:
        """Lower-cased key, name or alias → the keys it may mean, in article order."""
        owners: dict[str, dict[str, None]] = {}
        for key, entry in self.entries.items():
            for alias in sorted(_derived_aliases(entry.name) | {key}):
                owners.setdefault(alias.lower(), {})[key] = None
        for article in self.articles:
            for name, names in article.aliases:
                for key in (k for k, e in self.entries.items() if e.name == name and e.article.source == article.source):
                    for alias in names:
                        owners.setdefault(alias.lower(), {})[key] = None
        return {alias: tuple(keys) for alias, keys in owners.items()}

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Lower-cased key, name or alias → key, for those that mean one role (a role's own key always does)."""
        table = {alias: keys[0] for alias, keys in self._owners.items() if len(keys) == 1}
        table.update({key.lower(): key for key in self.entries})
        return table

    @cached_property
    def shared(self) -> dict[str, tuple[str, ...]]:
        """Lower-cased name or alias → the keys of the same-named roles of several documents it means."""
        return {
            alias: keys
            for alias, keys in self._owners.items()
            if len(keys) > 1 and len({self.entries[k].name for k in keys}) == 1
        }

    @cached_property
    def titles(self) -> dict[str, str]:
        """Each document's title by its source (what citations name)."""
        return {a.source: a.title for a in self.articles}

    @cached_property
    def text(self) -> str:
        """Every document's text, lower-cased: is a word anywhere in what was read?"""
        return "\n".join(a.text.lower() for a in self.articles)

    @property
    def names(self) -> list[str]:
        """Every role's key, in article order: what pickers list."""
        return list(self.entries)

    def find(self, text: str, source: str | None = None) -> str | None:
        """The key for a name or alias (exact, case-insensitive), else None; a name several documents use is
        resolved only by `source` (the document that names it)."""
        alias = _normalise(text).lower()
        if key := self.aliases.get(alias):
            return key
        return next((k for k in self.shared.get(alias, ()) if source and self.entries[k].article.source == source), None)

    def role(self, text: str, source: str | None = None) -> RoleEntry:
        """The role a user means by `text`: its key, name, an alias, or one clearly closest variant; a name several
        documents use needs `source` (a file name or document title) and otherwise raises AmbiguousRole."""
        alias = _normalise(text).lower()
        if alias in self.shared:
            keys = self.shared[alias]
            chosen = [k for k in keys if source and _is_document(self.entries[k].article, source)]
            if len(chosen) == 1:
                return self.entries[chosen[0]]
            sources = [self.entries[k].article.source for k in keys]
            raise AmbiguousRole(text.strip(), list(keys), sources)
        key = self.find(text)
        if key is None:
            suggestions = self.suggest(text)
            close = [s for s in suggestions if _similarity(text, s) >= 0.75]
            if len(close) == 1:
                key = close[0]
            else:
                raise UnknownRole(text.strip(), suggestions)
        entry = self.entries[key]
        if source and not _is_document(entry.article, source):
            raise UnknownRole(f"{text.strip()} ({source})", [k for k in self.entries if _is_document(self.entries[k].article, source)][:5])
        return entry

    def suggest(self, text: str, n: int = 5) -> list[str]:
        """Keys closest to `text`, best first (by character overlap with names and aliases)."""
        query = _normalise(text).lower()
        if not query:
            return []
        best: dict[str, float] = {}
        for alias, keys in self._owners.items():
            score = _similarity(query, alias)
            for key in keys:
                if score > best.get(key, 0.0):
                    best[key] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        return [key for key, score in ranked[:n] if score >= 0.3]

    def mentions(self, text: str, source: str | None = None) -> list[str]:
        """Keys of the roles named in a text (names or aliases), in order of first mention, longest match first.

        A name several documents use means the role of `source` (the document the text is from), else the roles
        of the documents whose titles the text names, else all of them. English hyphens count as spaces
        ("risk-control specialist" names the risk control specialist)."""
        lowered = _unhyphenated(text.lower())
        taken = [False] * len(lowered)
        found: list[tuple[int, str]] = []
        for alias, pattern in self._mentionable:
            for m in pattern.finditer(lowered):
                if any(taken[m.start() : m.end()]) or not _word_bounded(lowered, m, alias):
                    continue
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
                keys = (self.aliases[alias],) if alias in self.aliases else self._documents_meant(self.shared[alias], text, source)
                found.extend((m.start(), key) for key in keys)
        return list(dict.fromkeys(key for _, key in sorted(found, key=lambda f: f[0])))

    @cached_property
    def _mentionable(self) -> list[tuple[str, re.Pattern[str]]]:
        """The names and aliases a text can mention, longest first, each with its pattern (hyphens as spaces; an
        English name in the plural too: "buyers", "data analysts")."""
        usable = [a for a in self._owners if len(a) >= _MIN_ALIAS and (a in self.aliases or a in self.shared)]
        return [(a, re.compile(re.escape(_unhyphenated(a)) + _plural(a))) for a in sorted(usable, key=lambda a: (-len(a), a))]

    def _documents_meant(self, keys: tuple[str, ...], text: str, source: str | None) -> tuple[str, ...]:
        own = tuple(k for k in keys if self.entries[k].article.source == source)
        if own:
            return own
        titled = tuple(k for k in keys if _names_document(text, self.entries[k].article, [self.entries[o].article for o in keys]))
        return titled or keys


def _plural(alias: str) -> str:
    """The plural ending an English name may take ('buyer' names 'buyers'); none for a Chinese one."""
    return _PLURAL if alias[-1:].isascii() and alias[-1:].isalpha() else ""


def _unhyphenated(text: str) -> str:
    """Hyphens between ASCII letters as spaces (the same length, so positions stay)."""
    return re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)


def _is_document(article: Article, text: str) -> bool:
    """Whether `text` names the document: its file path or name, stem, or title (or a part of the title)."""
    wanted = text.strip().lower()
    path = Path(article.source)
    return bool(wanted) and (
        wanted in {article.source.lower(), path.name.lower(), path.stem.lower()} or wanted in article.title.lower()
    )


def _names_document(text: str, article: Article, rivals: list[Article]) -> bool:
    """A text names a document when it holds a run of 4+ characters of its title that no rival's title holds."""
    title = article.title
    others = [a.title for a in rivals if a is not article]
    return any(
        title[i : i + 4] in text and not any(title[i : i + 4] in o for o in others) for i in range(len(title) - 3)
    )


def build_catalog(articles: list[Article], skipped: tuple[Skipped, ...] = ()) -> Catalog:
    return Catalog(tuple(articles), skipped)


def _derived_aliases(name: str) -> set[str]:
    """Short names people use: 电商运营总监 → 运营总监, 库存管理经理 → 库存经理, 电商财务管理 → 财务管理/财务."""
    aliases = {name}
    for prefix in _STRIP_PREFIXES:
        if name.startswith(prefix) and len(name) - len(prefix) >= _MIN_ALIAS:
            aliases.add(name[len(prefix) :])
    for alias in list(aliases):
        for suffix, replacement in _SUFFIX_SHORTENINGS:
            if alias.endswith(suffix) and len(alias) - len(suffix) + len(replacement) >= _MIN_ALIAS:
                aliases.add(alias[: -len(suffix)] + replacement)
    return aliases


def _word_bounded(text: str, match: re.Match[str], alias: str) -> bool:
    """ASCII aliases ('HR', 'buyer') must stand as words; Chinese ones match anywhere."""
    if not alias.isascii():
        return True
    before = text[match.start() - 1] if match.start() > 0 else " "
    after = text[match.end()] if match.end() < len(text) else " "
    return not (before.isalnum() and before.isascii()) and not (after.isalnum() and after.isascii())


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _similarity(a: str, b: str) -> float:
    a, b = a.lower(), b.lower()
    if not a or not b:
        return 0.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    shared = len(set(a) & set(b)) / len(set(a) | set(b))
    contained = 1.0 if (a in b or b in a) and min(len(a), len(b)) >= 2 else 0.0
    return max(ratio, shared, 0.8 * contained)


def load_catalog(corpus_dir: Path) -> Catalog:
    """The catalog of every readable article in the corpus folder, each text once (other files are skipped and logged)."""
    corpus = read_corpus(corpus_dir)
    return build_catalog(list(corpus.articles), corpus.skipped)
