"""RoleGuide's web UI (Gradio): wiring only. Every answer, draft and match comes from `rag.*`.

Tabs: 问答 (cited answers, streamed, multi-turn) · 岗位说明书 / KPI (drafts and downloads) · 求职匹配 ·
岗位浏览. Named API endpoints, each one string in and one Markdown string out: /ask, /jd, /kpi, /match.
"""

from __future__ import annotations

import base64
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
from rag.answer_view import answer_chunks, answer_json, answer_markdown, plain  # noqa: E402
from rag.catalog import AmbiguousRole, Catalog, UnknownRole  # noqa: E402
from rag.export import DraftFiles, md_escape, to_markdown, to_table, write_drafts  # noqa: E402
from rag.jd import JobDescription, draft_jd, draft_kpi_sheet, with_edits  # noqa: E402
from rag.kpi import STATIC_COLUMNS, TABLE_COLUMNS, KpiTableError  # noqa: E402
from rag.career_map import map_picture, role_picture  # noqa: E402
from rag.careers import KIND_NAMES, LEVEL_NAMES, CareerEdge, career_graph, role_edges  # noqa: E402
from rag.match import EmptyProfile, RoleMatch, match_profile  # noqa: E402
from rag.profile import MAX_PROFILE_CHARS  # noqa: E402
from rag.seniority import BAND_NAMES  # noqa: E402
from rag.question import EmptyQuestion  # noqa: E402
from rag.resources import (  # noqa: E402
    LOGIN_FAILURES,
    LOGIN_WINDOW,
    USER_ERRORS,
    Live,
    LoginThrottle,
    open_all,
    remove_stale_drafts,
)

THEME = gr.themes.Default(font=[gr.themes.Font("system-ui"), "sans-serif"], font_mono=["monospace"])
CSS = """
.not-covered { border-left: 4px solid #d97706; padding-left: .6em; }
mark { background: #fde68a; padding: 0 .1em; }
#jd-view table { display: block; max-width: 100%; overflow-x: auto; }
#jd-view th, #jd-view td { min-width: 4.5em; }
#jd-view td:nth-child(2) { min-width: 7em; }
#jd-view td:nth-child(3), #jd-view td:nth-child(9) { min-width: 14em; }
#kpi-table .table-wrap { max-width: 100%; overflow-x: auto; }
@media (max-width: 639px) {  /* phones: the draft tab in one column, the sheet scrolling sideways */
  .draft-stack { flex-direction: column !important; }
  .draft-stack > * { width: 100% !important; min-width: 0 !important; }
}
"""
EXAMPLES = ["采购经理的KPI有哪些", "商家运营经理负责什么?", "电商运营总监和电商运营经理有什么区别?", "主播的年薪是多少?"]
_EMPTY = "请输入一个关于文章中岗位的问题。"
_NOT_STORED = "隐私:你的简历/介绍只用于本次匹配,不会被保存。"
PICTURED_ROLES = 3  # the match tab draws the career path of its first three roles


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
        # Each page load lists the roles of the build being served, so a role added to the corpus appears.
        lists = [b for b in app.blocks.values() if isinstance(b, gr.Dropdown) and b.elem_id in ("draft-role", "browse-role")]
        app.load(lambda: [gr.update(choices=live.catalog.names)] * len(lists), outputs=lists, api_visibility="private")
    return app


def launch_options(settings: Settings) -> dict:
    """Keyword arguments for `launch()`: bind address, auth (throttled), no share link, the offline theme."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "share": False,
        "auth": LoginThrottle(settings.auth) if settings.auth else None,
        "auth_message": f"连续输错 {LOGIN_FAILURES} 次密码后，登录将暂停 {LOGIN_WINDOW / 60:.0f} 分钟。",
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
        shown = plain(text if len(text) <= 300 else text[:300] + "…")
        messages = [*messages, {"role": "user", "content": shown}, {"role": "assistant", "content": ""}]
        for partial in answer_chunks(result, index, live.catalog):
            messages[-1] = {"role": "assistant", "content": partial}
            yield messages, "", [*history, result.question]

    events = dict(fn=stream, inputs=[question, chat, asked], outputs=[chat, question, asked], api_visibility="private")
    question.submit(**events)
    send.click(**events)
    clear.click(lambda: ([], "", []), outputs=[chat, question, asked], api_visibility="private")


def _draft_tab(live: Live) -> None:
    with gr.Row(elem_classes="draft-stack"):
        role = gr.Dropdown(live.catalog.names, label="岗位", allow_custom_value=True, value=None, elem_id="draft-role")
        company = gr.Radio(["通用", "直营", "平台型"], value="通用", label="公司类型")
    extra = gr.Textbox(label="补充要求(每行一条,会标注为你的补充)", lines=3, elem_id="draft-extra")
    go = gr.Button("生成草稿", variant="primary")
    concerns = gr.Markdown(elem_id="draft-concerns")
    with gr.Row(elem_classes="draft-stack"):
        docx = gr.DownloadButton("下载 DOCX", visible=False, elem_id="dl-docx")
        xlsx = gr.DownloadButton("下载 KPI XLSX", visible=False, elem_id="dl-xlsx")
        md = gr.DownloadButton("下载 Markdown", visible=False, elem_id="dl-md")
    with gr.Row(elem_classes="draft-stack"):
        with gr.Column(min_width=0):
            jd_view = gr.Markdown(elem_id="jd-view")
        with gr.Column(min_width=0):
            table = _kpi_editor()
            status = gr.Markdown(elem_id="kpi-status")
    drafted = gr.State(None)  # the article's draft: edits apply to the article's sheet
    downloads = [docx, xlsx, md]

    def offer(files: DraftFiles | None) -> list:
        if files is None:
            return [gr.update(interactive=False)] * 3
        return [gr.update(value=str(path), visible=True, interactive=True) for path in (files.docx, files.xlsx, files.md)]

    def draft(name: str | None, kind: str, lines: str) -> tuple:
        try:
            jd = draft_jd(name or "", live.catalog, company_type=kind, extra=[x for x in lines.splitlines() if x.strip()])
        except UnknownRole as err:
            message = unknown_role_message(err)
            gr.Warning(message)
            hidden = gr.update(visible=False)
            return "", f"⚠️ {md_escape(message)}", hidden, hidden, hidden, gr.update(visible=False), "", None
        for concern in jd.concerns:
            gr.Warning(concern.message)
        warning = "\n\n".join(f"⚠️ **补充要求合规提示**:{md_escape(c.message)}" for c in jd.concerns)
        weights = "" if jd.kpi.rows else f"ℹ️ {md_escape(jd.kpi.notes[0].text)}"
        return (warning, to_markdown(jd), *offer(write_drafts(jd, _new_folder())),
                gr.update(value=to_table(jd), visible=True), weights, jd)  # fmt: skip

    def edit(rows: list[list], jd: JobDescription | None) -> tuple:
        if jd is None:
            return gr.update(), *offer(None), ""
        try:
            edited = with_edits(jd, rows)
        except KpiTableError as err:
            return gr.update(), *offer(None), f"⚠️ {md_escape(str(err))}"
        note = "✓ 权重合计 100。下载的文件已按表格更新。" if edited.kpi.rows else "ℹ️ 表格为空:下载的是空白考核表。"
        return to_markdown(edited), *offer(write_drafts(edited, _new_folder())), note

    go.click(draft, [role, company, extra], [concerns, jd_view, *downloads, table, status, drafted], api_visibility="private")
    table.input(edit, [table, drafted], [jd_view, *downloads, status], api_visibility="private")


def _new_folder() -> Path:
    """A folder of its own for each version of a draft's files: a version offered for download is never rewritten
    under a link the page may still be fetching or the server still copying."""
    return Path(tempfile.mkdtemp(prefix="roleguide-"))


def _kpi_editor() -> gr.Dataframe:
    """The KPI sheet as an editable table: 评分标准 and 出处 fixed, columns wide enough to read on a phone."""
    return gr.Dataframe(
        headers=list(TABLE_COLUMNS), datatype="str", type="array", interactive=True, wrap=True,
        static_columns=list(STATIC_COLUMNS), label="KPI 考核表(可改权重、目标值、红线等,下载随之更新)",
        column_widths=["150px", "260px", "100px", "110px", "160px", "90px", "140px", "220px", "80px", "70px"],
        elem_id="kpi-table", visible=False,
    )  # fmt: skip


def _match_tab(live: Live) -> None:
    profile = gr.Textbox(
        label="你的经历与技能", lines=6, elem_id="profile",
        placeholder="例如:三年供应链经验,熟悉供应商谈判和成本控制……也可以写写喜欢做什么、不想做什么",
    )
    gr.Markdown(_NOT_STORED)
    go = gr.Button("匹配岗位", variant="primary")
    results = gr.Markdown(elem_id="match-results")
    go.click(lambda text: match_markdown(text, live.index, live.catalog, pictures=True), profile, results, api_visibility="private")
    with gr.Accordion("完整职业地图(按章节)", open=False):
        show = gr.Button("显示完整职业地图", elem_id="show-map")
        career_map = gr.Markdown(elem_id="career-map")
    show.click(lambda: _picture_html(map_picture(live.catalog), "电商岗位职业地图(按章节)", 1200), None, career_map, api_visibility="private")


def _browse_tab(live: Live) -> None:
    names = live.catalog.names
    role = gr.Dropdown(names, label="岗位", value=names[0] if names else None, elem_id="browse-role")
    view = gr.Markdown(role_markdown(names[0], live.catalog) if names else "")
    role.change(lambda name: role_markdown(name, live.catalog), role, view, api_visibility="private")


def _api(live: Live) -> None:
    """The named endpoints: one string in, one Markdown string out; user errors raise gr.Error with the message."""

    def ask(question: str) -> str:
        index, catalog = live.index, live.catalog
        return answer_markdown(_answered(question, index, catalog), index, catalog)

    def ask_json(question: str) -> dict:
        """The same object as `python -m rag ask --json`."""
        return answer_json(_answered(question, live.index, live.catalog), None, live.catalog)

    def jd(role: str) -> str:
        return _or_error(lambda: to_markdown(draft_jd(role, live.catalog)))

    def kpi(role: str) -> str:
        return _or_error(lambda: to_markdown(draft_kpi_sheet(role, live.catalog)))

    gr.api(ask, api_name="ask")
    gr.api(ask_json, api_name="ask_json")
    gr.api(jd, api_name="jd")
    gr.api(kpi, api_name="kpi")

    def match(profile: str) -> str:
        return match_markdown(profile, live.index, live.catalog)

    gr.api(match, api_name="match")


def _answered(question: str, index: Index, catalog: Catalog) -> Answer:
    try:
        return answer(question, index, catalog)
    except EmptyQuestion as err:
        raise gr.Error(_EMPTY) from err


def _or_error(make: Callable[[], str]) -> str:
    try:
        return make()
    except UnknownRole as err:
        raise gr.Error(unknown_role_message(err)) from err


# ---- renderers (presentation only) --------------------------------------------------------------------


def unknown_role_message(err: UnknownRole) -> str:
    if isinstance(err, AmbiguousRole):
        return f"有 {len(err.suggestions)} 份文档都描述了「{err.name}」,请选择其中一个:{'、'.join(err.suggestions)}。"
    hint = f"你是不是要找:{'、'.join(err.suggestions)}?" if err.suggestions else "请从下拉列表中选择一个岗位。"
    return f"文章中没有名为「{err.name}」的岗位。{hint}"


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
        lines += [f"- {plain(item.text)}" for item in field.items]
    lines.append(f"\n<small>来源:{entry.article.title}({entry.article.source})</small>")
    return "\n\n".join(lines)


def match_markdown(profile: str, index: Index, catalog: Catalog, *, pictures: bool = False) -> str:
    """Ranked roles for a profile, from `rag.match`: the person's level, then per role the score and its parts,
    the evidence, the gaps and the career path (with `pictures`, drawn too). The profile is not stored."""
    try:
        matching = match_profile(profile, index, catalog, top=5)
    except EmptyProfile as err:
        raise gr.Error("请先填写你的经历与技能。") from err
    level = matching.seniority
    cues = f"(依据:{'、'.join(level.cues)})" if level.cues else "(没有写年限、带团队或职务,按入门估计)"
    head = [f"**你的层级:** {BAND_NAMES[level.band]}{cues}"]
    if matching.notice:
        head.append(f"> ℹ️ 提示:内容太长,只读取了前 {MAX_PROFILE_CHARS} 个字。")
    graph = career_graph(catalog)
    blocks = []
    for n, m in enumerate(matching.roles, 1):
        edges = role_edges(graph, m.role)
        drawn = pictures and n <= PICTURED_ROLES and bool(edges)
        blocks.append(_match_block(n, m, edges, role_picture(catalog, m.role) if drawn else None))
    return "\n\n".join(head + blocks)


def _match_block(n: int, match: RoleMatch, edges: list[CareerEdge], picture: bytes | None) -> str:
    """One ranked role: score and parts, evidence, wishes, gaps, its career-path edges (and `picture` of them)."""
    parts = match.parts
    lines = [
        f"### {n}. {plain(match.role)}  <small>得分 {match.score} / 100</small>",
        f"*{LEVEL_NAMES[match.level]}* · 相关经验 {parts.experience}/60 · 层级 {parts.level}/25 · 意愿 {parts.will}/15",
    ]
    for ev in match.evidence:
        lines.append(f"- 你写的「{plain(_short(ev.sentence))}」↔ <mark>{plain(ev.citation.quote)}</mark> <small>({plain(ev.citation.field or '')})</small>")
    for ev in match.wishes:
        said = "你想要" if ev.kind == "want" else "你不想要"
        lines.append(f"- {said}「{plain(_short(ev.sentence))}」↔ <mark>{plain(ev.citation.quote)}</mark>")
    lines.append("\n**还需要:** " + ";".join(plain(c.quote) for c in match.gaps) if match.gaps else "\n**还需要:** 没有看出缺口")
    if picture is not None:
        lines.append("\n" + _picture_html(picture, f"{match.role} 的职业路径", 600))
    if edges:
        lines.append("\n**职业路径**(文章原文):")
        lines += [f"- {plain(e.source)} → {plain(e.target)}({KIND_NAMES[e.kind]}):<small>{plain(e.citation.quote)}</small>" for e in edges]
    return "\n".join(lines)


def _picture_html(png: bytes, alt: str, width: int) -> str:
    """An inline picture (a data URI: the page fetches nothing)."""
    return f'<img alt="{html.escape(alt)}" width="{width}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main() -> int:
    try:
        settings = load_settings()
        index, catalog = open_all(settings)
        down = "暂时无法连接索引服务(Chroma 服务器没有响应),请稍后再试或联系管理员。"
        live = Live(settings, index, catalog, unreachable=lambda err: gr.Error(down, print_exception=False))
    except USER_ERRORS as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    remove_stale_drafts(Path(tempfile.gettempdir()), max_age=24 * 3600)  # the Draft tab's download folders
    app = build_app(settings, live)
    app.queue(default_concurrency_limit=settings.concurrency)
    app.launch(**launch_options(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
