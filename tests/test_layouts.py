"""ingest.parse on role documents in the layouts HR people keep: Markdown, a numbered handbook, DOCX, the article's own.

Each fixture is parsed to its roles and fields (whole values), every item's text is exactly its span, and a
folder of them is indexed and searched like the shipped article.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt

from ingest.chunk import chunk_article
from ingest.config import PROJECT_ROOT, Settings
from ingest.index import build_index, open_index
from ingest.parse import (
    FIELD_SYNONYMS,
    CorpusFormatError,
    field_label,
    load_corpus,
    parse_article,
    read_article,
    source_text,
)
from rag.retrieve import retrieve

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"


def write_docx(path: Path) -> Path:
    """A small Word 岗位说明书: numbered Heading 1, roles by style or outline level, lists, tables, merged cells."""
    doc = Document()
    numbering = doc.part.numbering_part.element
    numbering.insert(  # 一、 二、 for Heading 1 (abstract numbers go before the first w:num)
        list(numbering).index(numbering.find(qn("w:num"))),
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>'
            "</w:abstractNum>"
        ),
    )
    numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    role_style = doc.styles.add_style("岗位名称", 1)  # a custom style whose name says nothing about headings
    role_style.base_style = doc.styles["Normal"]
    role_style.font.size = Pt(14)
    role_style.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="1"/>'))

    def chapter(text: str) -> None:
        p = doc.add_paragraph(text, style="Heading 1")
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>')
        )

    doc.add_paragraph("仓储物流岗位说明书", style="Title")
    doc.add_paragraph("本说明书适用于公司华东仓的仓储与配送团队。")
    chapter("仓储部")
    doc.add_paragraph("仓储主管", style="Heading 2")
    doc.add_paragraph("岗位职责", style="Heading 3")
    doc.add_paragraph("统筹华东仓的入库、存储、拣货与出库作业", style="List Number")
    doc.add_paragraph("制定月度盘点计划并组织执行", style="List Number")
    doc.add_paragraph("考核指标", style="Heading 3")
    table = doc.add_table(rows=5, cols=3)
    rows = [
        ("指标", "目标", "权重"),
        ("库存准确率", "不低于99.5%", "40%"),
        ("订单出库及时率", "不低于98%", ""),
        ("安全事故", "零事故（一票否决）", ""),
        ("", "", ""),  # an empty row: no line
    ]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(1, 2).merge(table.cell(2, 2))  # one weight for two KPIs: a vertical merge
    merged = table.cell(3, 1).merge(table.cell(3, 2))  # target and weight as one cell: a grid span
    merged.text = "零事故（一票否决）"
    doc.add_paragraph("任职要求", style="Heading 3")
    doc.add_paragraph("三年以上仓储管理经验", style="List Bullet")
    doc.add_paragraph("熟悉WMS系统与叉车安全规范", style="List Bullet")
    chapter("配送部")
    doc.add_paragraph("配送专员", style="岗位名称")
    form = doc.add_table(rows=3, cols=2)
    for r, (label, text) in enumerate(
        [("岗位职责", "按线路完成每日配送，当面核对签收"), ("任职要求", "持C1驾照，两年以上驾龄"), ("考核指标", "准时送达率不低于98%")]
    ):
        form.cell(r, 0).text, form.cell(r, 1).text = label, text
    heading3 = doc.add_paragraph("退货质检员", style="Heading 3")  # the outline level wins over the style's name
    heading3._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="1"/>'))
    doc.add_paragraph("工作内容：负责退货商品的拆包检验，判定能否二次销售。")
    doc.add_paragraph("考核标准：退货质检差错率低于0.5%。")
    doc.save(path)
    return path


def fields_of(article) -> list[tuple[str, str, list[str]]]:
    """(section id, role name, field names) per role, in document order."""
    return [(s.id, s.name, [f.name for f in s.fields]) for s in article.roles]


def assert_exact_spans(article) -> None:
    for section in article.sections:
        assert article.text[section.start : section.start + len(section.heading)] == section.heading
        for fld in section.fields:
            assert fld.start <= fld.items[0].start and fld.items[-1].end <= fld.end
            for item in fld.items:
                assert article.text[item.start : item.end] == item.text, item.id
                for cell in item.cells:
                    assert article.text[cell.start : cell.end] == cell.text, item.id


def items(article, role: str, field: str) -> list[tuple[str | None, str]]:
    section = next(s for s in article.roles if s.name == role)
    return [(i.label, i.text) for i in section.field(field).items]


def test_markdown_article_with_numbered_headings_bullets_and_a_table():
    article = read_article(LAYOUTS / "live_commerce.md", "corpus/live_commerce.md")
    assert article.title == "直播电商团队岗位说明"
    assert fields_of(article) == [
        ("1", "直播运营", ["职责职能", "KPI 指标", "任职资格", "发展通道"]),
        ("2", "场控", ["职责职能", "KPI 指标"]),
        ("3", "直播主播", ["职责职能", "KPI 指标", "任职资格", "发展通道"]),
    ]
    assert [(s.id, s.heading) for s in article.sections if s.kind == "article"] == [("preface", ""), ("结语", "结语")]
    host = next(s for s in article.roles if s.name == "直播主播")
    assert host.heading == "3. 直播主播"  # the `## ` is markup, not part of the heading
    kpis = host.field("KPI 指标").items
    assert [(i.id, i.kind, i.label, i.text) for i in kpis] == [
        ("3/KPI指标/1", "item", "指标 | 目标", "平均观看时长 | 不低于90秒"),
        ("3/KPI指标/2", "item", "指标 | 目标", "直播间转化率 | 不低于3%"),
        ("3/KPI指标/3", "item", "指标 | 目标", "粉丝团新增 | 每场不少于500人"),
    ]  # the header row is the label, the `| --- |` rule no item
    assert [(c.header, c.text) for c in kpis[0].cells] == [("指标", "平均观看时长"), ("目标", "不低于90秒")]
    row = next(c for c in chunk_article(article) if c.node_id == "3/KPI指标/1")
    assert row.embed_text == "【3 直播主播】KPI 指标(指标 | 目标):平均观看时长 | 不低于90秒"  # the header is embedded
    assert items(article, "直播主播", "任职资格")[0] == (None, "普通话标准，镜头表现力强")  # without its "1. "
    assert items(article, "直播运营", "职责职能")[0] == (None, "制定每场直播的排期、选品节奏和流量投放计划")  # without "- "
    assert items(article, "场控", "KPI 指标") == [(None, "直播事故次数为零，优惠券发放准确率100%。")]  # **考核指标**：…
    assert items(article, "直播主播", "发展通道") == [
        (None, "成熟主播可发展为头部主播或孵化自有品牌，也可转岗主播培训师。")
    ]
    assert_exact_spans(article)


def test_plain_text_handbook_with_chinese_numbering():
    article = read_article(LAYOUTS / "handbook.txt", "corpus/handbook.txt")
    assert article.title == "华南优选电商有限公司岗位说明手册（2025年版）"
    assert fields_of(article) == [
        ("1", "客服专员", ["职责职能", "任职资格", "KPI 指标"]),
        ("2", "采购员", ["职责职能", "任职资格", "KPI 指标", "发展通道"]),
    ]
    assert [i[0] for i in items(article, "客服专员", "任职资格")] == ["学历", "经验", "能力"]
    assert items(article, "采购员", "任职资格") == [
        ("学历", "学历：本科及以上学历，物流或供应链相关专业优先。"),
        ("经验", "经验：一年以上采购或跟单经验，熟悉ERP系统。"),
    ]
    assert [i[0] for i in items(article, "采购员", "KPI 指标")] == ["采购到货及时率", "采购成本降低率", "来料合格率"]
    assert items(article, "客服专员", "职责职能")[1] == (None, "处理退换货申请与客户投诉，在24小时内给出处理意见。")
    assert [(s.id, s.name) for s in article.sections if s.kind == "article"] == [("preface", "导读"), ("3", "附则")]
    assert_exact_spans(article)


def test_docx_with_headings_lists_and_tables(tmp_path: Path):
    path = write_docx(tmp_path / "warehouse.docx")
    article = read_article(path, "corpus/warehouse.docx")
    assert article.text == source_text(path)
    assert article.text.splitlines() == [
        "仓储物流岗位说明书",
        "本说明书适用于公司华东仓的仓储与配送团队。",
        "一、仓储部",  # Word's numbering (w:numPr) is not in paragraph.text: rendered as Word shows it
        "仓储主管",
        "岗位职责",
        "1. 统筹华东仓的入库、存储、拣货与出库作业",
        "2. 制定月度盘点计划并组织执行",
        "考核指标",
        "| 指标 | 目标 | 权重 |",
        "| 库存准确率 | 不低于99.5% | 40% |",
        "| 订单出库及时率 | 不低于98% |  |",  # below a vertical merge: empty, not repeated
        "| 安全事故 | 零事故（一票否决） |",  # a cell spanning two grid columns: once
        "任职要求",
        "• 三年以上仓储管理经验",
        "• 熟悉WMS系统与叉车安全规范",
        "二、配送部",
        "配送专员",
        "| 岗位职责 | 按线路完成每日配送，当面核对签收 |",
        "| 任职要求 | 持C1驾照，两年以上驾龄 |",
        "| 考核指标 | 准时送达率不低于98% |",
        "退货质检员",
        "工作内容：负责退货商品的拆包检验，判定能否二次销售。",
        "考核标准：退货质检差错率低于0.5%。",
    ]
    assert article.title == "仓储物流岗位说明书"
    assert [(s.name, s.chapter, [f.name for f in s.fields]) for s in article.roles] == [
        ("仓储主管", "仓储部", ["职责职能", "KPI 指标", "任职资格"]),
        ("配送专员", "配送部", ["职责职能", "任职资格", "KPI 指标"]),  # a custom style with w:outlineLvl
        ("退货质检员", "配送部", ["职责职能", "KPI 指标"]),  # Heading 3 style, outline level 2: a sibling
    ]
    kpis = next(s for s in article.roles if s.name == "仓储主管").field("KPI 指标").items
    assert [[(c.header, c.text) for c in i.cells] for i in kpis] == [
        [("指标", "库存准确率"), ("目标", "不低于99.5%"), ("权重", "40%")],
        [("指标", "订单出库及时率"), ("目标", "不低于98%")],
        [("指标", "安全事故"), ("目标", "零事故（一票否决）")],
    ]
    assert items(article, "仓储主管", "职责职能") == [
        (None, "统筹华东仓的入库、存储、拣货与出库作业"),
        (None, "制定月度盘点计划并组织执行"),
    ]
    assert items(article, "配送专员", "任职资格") == [(None, "持C1驾照，两年以上驾龄")]  # a Word form's row
    licence = next(c for c in chunk_article(article) if c.node_id == "配送专员/任职资格/1")
    assert licence.embed_text == "【配送专员】任职资格:持C1驾照，两年以上驾龄"  # an unnumbered role's id is its name
    assert items(article, "退货质检员", "KPI 指标") == [(None, "退货质检差错率低于0.5%。")]
    assert_exact_spans(article)


def test_the_articles_own_layout():
    article = read_article(LAYOUTS / "article_layout.txt", "corpus/article_layout.txt")
    five = ["职责职能", "KPI 指标", "目标动机", "运作手法", "影响分析"]
    assert fields_of(article) == [
        ("1.1", "社群运营专员", five),  # inline labels (职责职能:…)
        ("1.2", "选品专员", five),  # bare label lines
        ("1.3.1", "虚拟主播运营专员", ["岗位描述"]),
    ]
    vr = article.roles[2]
    assert (vr.subtitle, vr.chapter, vr.group, vr.mode) == ("新兴岗位", "内容电商岗位深度解析", "新兴补充岗", "平台型")
    assert items(article, "社群运营专员", "KPI 指标")[0] == (None, "社群运营专员的绩效考核主要关注以下指标:")
    assert [i[0] for i in items(article, "选品专员", "影响分析")] == ["对自身", "对社会"]
    preface = [i.text for i in article.sections[0].fields[0].items]
    assert preface[-2:] == ["1. 内容电商岗位", "2. 新兴补充岗"]  # a table of contents: a list, not headings
    assert [(s.id, s.kind) for s in article.sections if s.kind == "article"] == [
        ("preface", "article"),
        ("1", "article"),
        ("结语", "article"),
    ]
    assert_exact_spans(article)


@pytest.mark.parametrize(
    ("line", "field", "rest"),
    [
        ("岗位职责", "职责职能", None),
        ("### 主要职责", "职责职能", None),
        ("(一)工作职责", "职责职能", None),
        ("工作内容：负责拆包检验", "职责职能", "负责拆包检验"),
        ("**考核指标**：准时率98%", "KPI 指标", "准时率98%"),
        ("KPI 指标:以下指标", "KPI 指标", "以下指标"),
        ("绩效考核", "KPI 指标", None),
        ("考核标准：差错率低于0.5%", "KPI 指标", "差错率低于0.5%"),
        ("KPI", "KPI 指标", None),
        ("1、任职要求", "任职资格", None),
        ("能力要求", "任职资格", None),
        ("岗位要求：", "任职资格", None),
        ("任职条件", "任职资格", None),
        ("**职业发展**", "发展通道", None),
        ("晋升路径", "发展通道", None),
        ("发展方向", "发展通道", None),
        ("工作方法", "运作手法", None),
        ("工作方式：分层运营", "运作手法", "分层运营"),
        ("目标动机", "目标动机", None),
        ("影响分析:", "影响分析", None),
    ],
)
def test_field_labels_map_to_canonical_fields(line: str, field: str, rest: str | None):
    assert field_label(line)[:2] == (field, rest)


@pytest.mark.parametrize("line", ["岗位职责说明书", "职责职能是什么", "考核指标有哪些变化。", "KPI达成率:95%"])
def test_lines_that_only_mention_a_field_are_no_labels(line: str):
    assert field_label(line) is None


def test_numbering_must_continue_to_be_a_heading():
    text = (
        "一、运营岗位\n1. 本章说明\n本章收录三个岗位。\n2.1 客服专员:一线服务\n职责职能:接待咨询。\n1. 按流程回复\n2.2 店铺运营专员\n"
        "职责职能:店铺日常运营。\n3.1.1中的规定\n1.5倍的增长\n2.3 美工设计师\n职责职能:设计主图。\n"
    )
    article = parse_article(text, "corpus/numbers.txt")
    assert fields_of(article) == [
        ("2.1", "客服专员", ["职责职能"]),  # not under the lone `1.` line before it
        ("2.2", "店铺运营专员", ["职责职能"]),
        ("2.3", "美工设计师", ["职责职能"]),
    ]
    assert [(s.id, s.name) for s in article.sections if s.kind == "article"] == [("1~2", "本章说明")]  # ids stay unique
    assert items(article, "客服专员", "职责职能") == [(None, "接待咨询。"), (None, "按流程回复")]  # 1. after 2.1
    assert items(article, "店铺运营专员", "职责职能") == [
        (None, "店铺日常运营。"),
        (None, "3.1.1中的规定"),  # 3.1.1 cannot follow 2.2
        (None, "1.5倍的增长"),  # nor can 1.5
    ]


def test_unreadable_docx_is_skipped_with_a_reason_and_word_lock_files_are_ignored(tmp_path: Path):
    (tmp_path / "broken.docx").write_bytes(b"not a zip")
    (tmp_path / "~$warehouse.docx").write_bytes(b"\x00lock")
    shutil.copy(LAYOUTS / "handbook.txt", tmp_path / "handbook.txt")
    articles, problems = load_corpus(tmp_path)
    assert [a.source for a in articles] == ["corpus/handbook.txt"]
    assert [(p.path, p.reason.startswith("not a readable Word document")) for p in problems] == [
        ("corpus/broken.docx", True)
    ]
    with pytest.raises(CorpusFormatError, match="broken.docx"):
        read_article(tmp_path / "broken.docx", "corpus/broken.docx")


def test_a_folder_of_layouts_is_indexed_and_searched(tmp_path: Path):
    corpus = tmp_path / "corpus"
    shutil.copytree(LAYOUTS, corpus)
    write_docx(corpus / "warehouse.docx")
    settings = Settings(corpus_dir=corpus, data_dir=tmp_path / "data")
    report = build_index(settings, progress=False)
    assert (report.roles, report.skipped) == (11, ())
    index = open_index(settings)
    texts = {a.source: a.text for a in load_corpus(corpus)[0]}
    assert all(texts[c.source][c.start : c.end] == c.text for c in index.chunks.values())
    for question, expected in [
        ("直播主播的平均观看时长要达到多少", ("直播主播", "KPI 指标", "corpus/live_commerce.md")),  # a table row
        ("客服专员的首次响应时长要求", ("客服专员", "KPI 指标", "corpus/handbook.txt")),
        ("做配送需要什么驾照", ("配送专员", "任职资格", "corpus/warehouse.docx")),  # a Word form's cell
        ("谁负责把会员分为新客、活跃客和沉睡客", ("社群运营专员", "运作手法", "corpus/article_layout.txt")),
        ("直播运营以后能晋升成什么", ("直播运营", "发展通道", "corpus/live_commerce.md")),
    ]:
        best = retrieve(question, index, k=3)[0].chunk
        assert (best.role, best.field, best.source) == expected, question


def test_readme_lists_the_synonym_table_and_its_examples_parse():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = re.split(r"\n## [A-Z]", readme.split("## Documents RoleGuide reads", 1)[1])[0]  # the next H2
    prose = section.split("```", 1)[0]
    table = dict(re.findall(r"^\| (\S[^|]*?) \| (.+?) \|$", prose, re.MULTILINE)[2:])  # after the header and rule
    assert {name: tuple(table[name].split(", ")) for name in table} == FIELD_SYNONYMS
    examples = re.findall(r"```(?:markdown|text)\n(.*?)```", section, re.DOTALL)
    parsed = [
        fields_of(parse_article(text, source))
        for text, source in zip(examples, ["README.md", "README.txt", "README.txt"])
    ]
    assert parsed == [
        [("3", "直播主播", ["职责职能", "KPI 指标", "任职资格"])],
        [("1", "客服专员", ["职责职能", "任职资格", "KPI 指标"])],
        [("2.1", "电商运营总监", ["职责职能", "KPI 指标"])],
    ]
