"""The roles of the corpus and their fields; lookup by canonical name, alias, or close variant."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ingest.parse import Article, Section, load_corpus

_STRIP_PREFIXES = ("电商",)
_SUFFIX_SHORTENINGS = (("管理总监", "总监"), ("管理经理", "经理"), ("管理", ""), ("分析师", "分析"))
_MIN_ALIAS = 2


class UnknownRole(LookupError):
    """No role matches the name; `suggestions` are the closest canonical names."""

    def __init__(self, name: str, suggestions: list[str]) -> None:
        hint = f"; did you mean {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"no role named '{name}' in the article{hint}")
        self.name = name
        self.suggestions = suggestions


@dataclass(frozen=True)
class RoleEntry:
    section: Section
    article: Article

    @property
    def name(self) -> str:
        return self.section.name


@dataclass(frozen=True)
class Catalog:
    articles: tuple[Article, ...]

    @cached_property
    def entries(self) -> dict[str, RoleEntry]:
        """Roles by canonical name, in article order (the first article wins a name used twice)."""
        entries: dict[str, RoleEntry] = {}
        for article in self.articles:
            for section in article.roles:
                entries.setdefault(section.name, RoleEntry(section, article))
        return entries

    @cached_property
    def aliases(self) -> dict[str, str]:
        """Lower-cased name or alias → canonical name; an alias that two roles share is left out."""
        owners: dict[str, set[str]] = {}
        for name in self.entries:
            for alias in sorted(_derived_aliases(name)):
                owners.setdefault(alias.lower(), set()).add(name)
        for article in self.articles:
            for name, names in article.aliases:
                if name in self.entries:
                    for alias in names:
                        owners.setdefault(alias.lower(), set()).add(name)
        table = {alias: next(iter(names)) for alias, names in owners.items() if len(names) == 1}
        table.update({name.lower(): name for name in self.entries})
        return table

    @property
    def names(self) -> list[str]:
        return list(self.entries)

    def find(self, text: str) -> str | None:
        """The canonical name for a name or alias (exact, case-insensitive), else None."""
        return self.aliases.get(_normalise(text).lower())

    def role(self, text: str) -> RoleEntry:
        """The role a user means by `text`: its name, an alias, or one clearly closest variant."""
        name = self.find(text)
        if name is None:
            suggestions = self.suggest(text)
            close = [s for s in suggestions if _similarity(text, s) >= 0.75]
            if len(close) == 1:
                name = close[0]
            else:
                raise UnknownRole(text.strip(), suggestions)
        return self.entries[name]

    def suggest(self, text: str, n: int = 5) -> list[str]:
        """Canonical names closest to `text`, best first (by character overlap with names and aliases)."""
        query = _normalise(text).lower()
        if not query:
            return []
        best: dict[str, float] = {}
        for alias, name in self.aliases.items():
            score = _similarity(query, alias)
            if score > best.get(name, 0.0):
                best[name] = score
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
        return [name for name, score in ranked[:n] if score >= 0.3]

    def mentions(self, text: str) -> list[str]:
        """Canonical roles named in a text (names or aliases), in order of first mention, longest match first."""
        lowered = text.lower()
        taken = [False] * len(lowered)
        found: list[tuple[int, str]] = []
        for alias in sorted(self.aliases, key=lambda a: (-len(a), a)):
            if len(alias) < _MIN_ALIAS:
                continue
            for m in re.finditer(re.escape(alias), lowered):
                if any(taken[m.start() : m.end()]) or not _word_bounded(lowered, m, alias):
                    continue
                taken[m.start() : m.end()] = [True] * (m.end() - m.start())
                found.append((m.start(), self.aliases[alias]))
        ordered: list[str] = []
        for _, name in sorted(found):
            if name not in ordered:
                ordered.append(name)
        return ordered


def build_catalog(articles: list[Article]) -> Catalog:
    return Catalog(tuple(articles))


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
    """The catalog of every readable article in the corpus folder (unreadable files are skipped and logged)."""
    articles, _ = load_corpus(corpus_dir)
    return build_catalog(articles)
