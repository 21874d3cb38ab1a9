"""Optional: an LLM rewords a drafted job description's bullets, each new line held to the bullet's own citations.

A reworded line replaces its bullet only when `rag.grounding` finds it supported by exactly that bullet's cited
spans (its numbers included); every other bullet keeps the article's own words. Citations never change, and
any failure of the model leaves the draft as it was, with the reason. Only prose sections are reworded
(`PROSE_SECTIONS`): 岗位基本信息 and 工作关系 lines begin with their labels (岗位名称:, 内部:) and 考核指标 mirrors
the KPI sheet, so those keep the draft's text.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from langchain_core.language_models import BaseChatModel

from ingest.chunk import Citation
from rag.grounding import Passage, check
from rag.jd import CAREER, DUTIES, PURPOSE, QUALIFICATIONS, Bullet, JobDescription
from rag.llm import Deadline, build_rewrite_chain, passage_label

log = logging.getLogger(__name__)

PROSE_SECTIONS = (PURPOSE, DUTIES, QUALIFICATIONS, CAREER)


def reword_jd(jd: JobDescription, model: BaseChatModel, *, timeout: float) -> tuple[JobDescription, str | None]:
    """The draft with supported rewordings swapped in, and a notice (None when the model's output was used)."""
    prose = (b for s in jd.sections if s.title in PROSE_SECTIONS for b in s.items)
    bullets = [b for b in prose if b.citations and not b.user_supplied]
    sources = [_joined(b) for b in bullets]
    try:
        result = build_rewrite_chain(model).invoke({"passages": sources}, {"callbacks": [Deadline(timeout)]})
    except Exception as err:  # an optional backend: any failure keeps the article's wording
        log.warning("%s failed: %r", model.get_name(), err)
        return jd, f"wording kept as in the article: {model.get_name()} failed ({type(err).__name__})"
    passages = [Passage(passage_label(c), c.quote) for c in sources]
    reworded: dict[int, str] = {}
    for verdict in check(result["text"], passages):
        if verdict.supported and len(verdict.cited) == 1:
            reworded.setdefault(verdict.cited[0] - 1, verdict.sentence)
    if not reworded:
        return jd, f"wording kept as in the article: nothing {model.get_name()} wrote was supported"
    new_text = {id(bullets[i]): text for i, text in reworded.items()}
    sections = tuple(
        replace(section, items=tuple(replace(b, text=new_text.get(id(b), b.text)) for b in section.items))
        for section in jd.sections
    )
    return replace(jd, sections=sections), None


def _joined(bullet: Bullet) -> Citation:
    """A bullet as one passage: its first citation's place, the quotes of all its citations."""
    first = bullet.citations[0]
    return replace(first, quote="".join(c.quote for c in bullet.citations))
