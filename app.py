"""RoleGuide's web UI (Gradio): wiring only. Every answer, draft and match comes from `rag.*`.

Tabs: 问答 (cited answers, streamed, multi-turn) · 岗位说明书 / KPI (drafts and downloads) · 求职匹配 ·
岗位浏览. Named API endpoints, each one string in and one Markdown string out: /ask, /jd, /kpi, /match.
"""

from __future__ import annotations

import html
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ingest.config import Settings, load_settings, use_offline_env

use_offline_env()  # gradio and huggingface_hub read these variables when they are imported

import gradio as gr  # noqa: E402

from ingest.index import Index  # noqa: E402
from rag.answer import Answer, answer  # noqa: E402
from rag.catalog import Catalog, UnknownRole  # noqa: E402
from rag.export import to_docx, to_markdown, to_xlsx  # noqa: E402
from rag.jd import NoKpi, draft_jd, draft_kpi_sheet  # noqa: E402
from rag.match import EmptyProfile, RoleMatch, rank_roles  # noqa: E402
from rag.question import EmptyQuestion  # noqa: E402
from rag.resources import USER_ERRORS, Live, open_all  # noqa: E402

THEME = gr.themes.Default(font=[gr.themes.Font("system-ui"), "sans-serif"], font_mono=["monospace"])
CSS = """
.not-covered { border-left: 4px solid #d97706; padding-left: .6em; }
mark { background: #fde68a; padding: 0 .1em; }
"""
EXAMPLES = ["采购经理的KPI有哪些", "商家运营经理负责什么?", "电商运营总监和电商运营经理有什么区别?", "主播的年薪是多少?"]
_EMPTY = "请输入一个关于文章中岗位的问题。"
_NOT_STORED = "隐私:你的简历/介绍只用于本次匹配,不会被保存。"


def build_app(settings: Settings, live: Live) -> gr.Blocks:
    with gr.Blocks(title="RoleGuide · 电商岗位助手") as app:
        gr.Markdown("# RoleGuide · 电商岗位助手\n所有回答和草稿都来自文章原文,并标注来源。")
        with gr.Tabs():
            with gr.Tab("问答", id="ask"):
                _ask_tab(live)
            with gr.Tab("岗位说明书 / KPI", id="draft"):
                _draft_tab(live)
            with gr.Tab("求职匹配", id="match"):
                _match_tab(live)
            with gr.Tab("岗位浏览", id="browse"):
                _browse_tab(live)
        _api(live)
    return app


def launch_options(settings: Settings) -> dict:
    """Keyword arguments for `launch()`: bind address, auth, no share link, the offline theme."""
    auth = tuple(settings.auth.split(":", 1)) if settings.auth else None
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "auth": auth,
        "theme": THEME,
        "css": CSS,
        "footer_links": [],
    }


# ---- tabs ---------------------------------------------------------------------------------------------


def _ask_tab(live: Live) -> None:
    chat = gr.Chatbot(label="问答", height=520, elem_id="chat")
    asked = gr.State([])  # the user's earlier questions: follow-ups ("那它的KPI呢?") keep their role
    question = gr.Textbox(label="问题", placeholder="例如:采购经理的KPI有哪些", elem_id="question")
    with gr.Row():
        send = gr.Button("提问", variant="primary")
        clear = gr.Button("清空对话")
    gr.Examples(EXAMPLES, inputs=question, label="示例问题")

    def stream(text: str, messages: list, history: list[str]) -> Iterator[tuple[list, str, list[str]]]:
        try:
            index = live.index
            result = answer(text, index, live.catalog, history=history)
        except EmptyQuestion:
            gr.Warning(_EMPTY)
            yield messages, text, history
            return
        shown = text if len(text) <= 300 else text[:300] + "…"
        messages = [*messages, {"role": "user", "content": shown}, {"role": "assistant", "content": ""}]
        for partial in answer_chunks(result, index):
            messages[-1] = {"role": "assistant", "content": partial}
            yield messages, "", [*history, result.question]

    events = dict(fn=stream, inputs=[question, chat, asked], outputs=[chat, question, asked], api_visibility="private")
    question.submit(**events)
    send.click(**events)
    clear.click(lambda: ([], "", []), outputs=[chat, question, asked], api_visibility="private")


def _draft_tab(live: Live) -> None:
    with gr.Row():
        role = gr.Dropdown(live.catalog.names, label="岗位", allow_custom_value=True, value=None, elem_id="draft-role")
        company = gr.Radio(["通用", "直营", "平台型"], value="通用", label="公司类型")
    extra = gr.Textbox(label="补充要求(每行一条,会标注为你的补充)", lines=3)
    go = gr.Button("生成草稿", variant="primary")
    with gr.Row():
        docx = gr.DownloadButton("下载 DOCX", visible=False, elem_id="dl-docx")
        xlsx = gr.DownloadButton("下载 KPI XLSX", visible=False, elem_id="dl-xlsx")
        md = gr.DownloadButton("下载 Markdown", visible=False, elem_id="dl-md")
    with gr.Row():
        jd_view = gr.Markdown(label="岗位说明书")
        kpi_view = gr.Markdown(label="KPI 考核表")

    def draft(name: str | None, kind: str, lines: str) -> tuple:
        hidden = gr.update(visible=False)
        try:
            jd = draft_jd(name or "", live.catalog, company_type=kind, extra=[x for x in lines.splitlines() if x.strip()])
        except UnknownRole as err:
            message = unknown_role_message(err)
            gr.Warning(message)
            return f"⚠️ {message}", "", hidden, hidden, hidden
        folder = Path(tempfile.mkdtemp(prefix="roleguide-"))
        jd_md = to_markdown(jd)
        to_docx(jd, folder / f"{jd.role}-岗位说明书.docx")
        (folder / f"{jd.role}-岗位说明书.md").write_text(jd_md, encoding="utf-8")
        try:
            sheet = draft_kpi_sheet(jd.role, live.catalog)
        except NoKpi as err:
            kpi_md, xlsx_out = f"⚠️ {err}", hidden
        else:
            kpi_md = to_markdown(sheet)
            to_xlsx(sheet, folder / f"{jd.role}-KPI考核表.xlsx")
            xlsx_out = gr.update(value=str(folder / f"{jd.role}-KPI考核表.xlsx"), visible=True)
        return (
            jd_md,
            kpi_md,
            gr.update(value=str(folder / f"{jd.role}-岗位说明书.docx"), visible=True),
            xlsx_out,
            gr.update(value=str(folder / f"{jd.role}-岗位说明书.md"), visible=True),
        )

    go.click(draft, [role, company, extra], [jd_view, kpi_view, docx, xlsx, md], api_visibility="private")


def _match_tab(live: Live) -> None:
    profile = gr.Textbox(label="你的经历与技能", lines=6, elem_id="profile", placeholder="例如:三年供应链经验,熟悉供应商谈判和成本控制……")
    gr.Markdown(_NOT_STORED)
    go = gr.Button("匹配岗位", variant="primary")
    results = gr.Markdown(elem_id="match-results")
    go.click(lambda text: match_markdown(text, live.index, live.catalog), profile, results, api_visibility="private")


def _browse_tab(live: Live) -> None:
    names = live.catalog.names
    role = gr.Dropdown(names, label="岗位", value=names[0] if names else None, elem_id="browse-role")
    view = gr.Markdown(role_markdown(names[0], live.catalog) if names else "")
    role.change(lambda name: role_markdown(name, live.catalog), role, view, api_visibility="private")


def _api(live: Live) -> None:
    """The named endpoints: one string in, one Markdown string out; user errors raise gr.Error with the message."""

    def ask(question: str) -> str:
        try:
            index = live.index
            return answer_markdown(answer(question, index, live.catalog), index)
        except EmptyQuestion as err:
            raise gr.Error(_EMPTY) from err

    def jd(role: str) -> str:
        return _or_error(lambda: to_markdown(draft_jd(role, live.catalog)))

    def kpi(role: str) -> str:
        return _or_error(lambda: to_markdown(draft_kpi_sheet(role, live.catalog)))

    gr.api(ask, api_name="ask")
    gr.api(jd, api_name="jd")
    gr.api(kpi, api_name="kpi")

    def match(profile: str) -> str:
        return match_markdown(profile, live.index, live.catalog)

    gr.api(match, api_name="match")


def _or_error(make: Callable[[], str]) -> str:
    try:
        return make()
    except UnknownRole as err:
        raise gr.Error(unknown_role_message(err)) from err
    except NoKpi as err:
        raise gr.Error(str(err)) from err


# ---- renderers (presentation only) --------------------------------------------------------------------


def unknown_role_message(err: UnknownRole) -> str:
    hint = f"你是不是要找:{'、'.join(err.suggestions)}?" if err.suggestions else "请从下拉列表中选择一个岗位。"
    return f"文章中没有名为「{err.name}」的岗位。{hint}"


def answer_markdown(result: Answer, index: Index) -> str:
    """The whole answer: body, then its numbered sources with the quote highlighted in its paragraph."""
    *_, full = answer_chunks(result, index)
    return full


def answer_chunks(result: Answer, index: Index) -> Iterator[str]:
    """The answer's Markdown, growing one sentence at a time (what the chat streams)."""
    parts: list[str] = []
    if result.notice:
        parts.append(f"> ℹ️ 提示:{html.escape(result.notice)}")
    if not result.covered:
        parts.append(f'<div class="not-covered">⚠️ <strong>{html.escape(result.text)}</strong></div>')
        yield "\n\n".join(parts)
        return
    for sentence, numbers in result.segments:
        marks = "".join(f"[{n}]" for n in numbers)
        parts.append(f"- {html.escape(sentence)} {marks}" if numbers else f"**{html.escape(sentence)}**")
        yield "\n\n".join(parts)
    if result.backend != "extractive":
        parts.append(f"<small>由 {html.escape(result.backend)} 根据下列原文改写,每句已与所引原文核对。</small>")
    if result.unsupported:
        parts.append(f"<small>⚠️ 已删除 {len(result.unsupported)} 句在所引原文中找不到依据的生成内容。</small>")
    if result.citations:
        parts.append("---\n**来源**")
        for n, citation in enumerate(result.citations, 1):
            where = " · ".join(p for p in (citation.role, citation.field) if p) or "文章"
            parts.append(f"[{n}] **{html.escape(where)}** <small>({citation.source})</small><br>{_in_context(citation, index)}")
        yield "\n\n".join(parts)


def _in_context(citation, index: Index) -> str:
    """The paragraph (indexed chunk) holding the cited span, with the span in <mark>."""
    for chunk in index.chunks.values():
        if chunk.source == citation.source and chunk.start <= citation.start and citation.end <= chunk.end:
            a, b = citation.start - chunk.start, citation.end - chunk.start
            text = chunk.text
            return f"{html.escape(text[:a])}<mark>{html.escape(text[a:b])}</mark>{html.escape(text[b:])}"
    return f"<mark>{html.escape(citation.quote)}</mark>"


def role_markdown(name: str | None, catalog: Catalog) -> str:
    """A role's fields as the article gives them, under its section number and chapter."""
    try:
        entry = catalog.role(name or "")
    except UnknownRole as err:
        return f"⚠️ {unknown_role_message(err)}"
    section = entry.section
    lines = [f"## {section.id} {section.name}"]
    meta = [p for p in (section.chapter, section.group, section.mode) if p]
    if meta:
        lines.append(f"*{' · '.join(meta)}*")
    if section.subtitle:
        lines.append(f"> {section.subtitle}")
    for field in section.fields:
        lines.append(f"### {field.name}")
        lines += [f"- {html.escape(item.text)}" for item in field.items]
    lines.append(f"\n<small>来源:{entry.article.title}({entry.article.source})</small>")
    return "\n\n".join(lines)


def match_markdown(profile: str, index: Index, catalog: Catalog) -> str:
    """Ranked roles for a profile, from `rag.match`, each with its cited evidence (the profile is not stored)."""
    try:
        matches = rank_roles(profile, index, catalog, top=5)
    except EmptyProfile as err:
        raise gr.Error("请先填写你的经历与技能。") from err
    return "\n\n".join(_match_block(n, m) for n, m in enumerate(matches, 1)) or "没有找到匹配的岗位。"


def _match_block(n: int, match: RoleMatch) -> str:
    lines = [f"### {n}. {match.role}  <small>(得分 {match.score:.2f})</small>"]
    for ev in match.evidence:
        where = " · ".join(p for p in (ev.citation.role, ev.citation.field) if p)
        lines.append(f"- 你写的「{html.escape(ev.sentence)}」↔ <mark>{html.escape(ev.citation.quote)}</mark> <small>({where})</small>")
    if match.gaps:
        lines.append("\n**还需要:** " + ";".join(html.escape(c.quote) for c in match.gaps))
    if match.next_steps:
        lines.append("\n**发展方向:** " + "、".join(dict.fromkeys(e.target for e in match.next_steps)))
    return "\n".join(lines)


def main() -> int:
    try:
        settings = load_settings()
        index, catalog = open_all(settings)
    except USER_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    app = build_app(settings, Live(settings, index, catalog))
    app.queue(default_concurrency_limit=settings.concurrency)
    app.launch(**launch_options(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
