"""The dashboard's charts and workbooks, without a server: bars proportional to their values on a
round axis that starts at zero, grouped bars for two series, an empty chart that keeps its axes,
and a workbook that opens in openpyxl with its title, header and rows."""

from __future__ import annotations

from io import BytesIO
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from api.console.charts import LABELS_MAX, LABELS_MIN, VALUES, WIDTH, axis, bar_chart, labels_width
from api.console.workbook import XLSX, workbook, xlsx_response


def test_bars_are_proportional_to_their_values() -> None:
    chart = bar_chart([("甲", [4]), ("乙", [2]), ("丙", [1]), ("丁", [0])], series=1)

    widths = [bar.width for bar in chart.bars]
    assert widths[0] == 2 * widths[1] == 4 * widths[2]
    assert widths[3] == 0
    assert all(bar.x == chart.left for bar in chart.bars)
    assert [bar.value for bar in chart.bars] == [4, 2, 1, 0]
    assert chart.empty is False


def test_the_axis_ends_at_a_round_number_at_or_above_the_highest_value() -> None:
    chart = bar_chart([("甲", [7]), ("乙", [3])], series=1)

    assert [tick.value for tick in chart.ticks] == [0, 2, 4, 6, 8]
    assert chart.ticks[-1].x == chart.right == WIDTH - VALUES
    assert chart.bars[0].width == (chart.right - chart.left) * 7 / 8


@pytest.mark.parametrize(
    ("highest", "expected"),
    [
        (0, (1, 1)),
        (1, (1, 1)),
        (5, (5, 1)),
        (6, (6, 2)),
        (11, (15, 5)),
        (99, (100, 20)),
        (2600, (3000, 1000)),
    ],
)
def test_the_axis_has_at_most_five_steps_of_1_2_or_5(
    highest: int, expected: tuple[int, int]
) -> None:
    assert axis(highest) == expected


def test_two_series_are_grouped_bars_side_by_side_in_each_row() -> None:
    chart = bar_chart([("2024", [1, 3]), ("2025", [0, 2])], series=2)

    first, second = chart.bars[0], chart.bars[1]
    assert (first.series, second.series) == (0, 1)
    assert second.y == first.y + first.height  # one under the other, within the year's row
    assert second.width == 3 * first.width
    assert chart.categories[0].y < chart.bars[2].y  # the next year's bars are below
    assert chart.top > bar_chart([("2024", [1])], series=1).top  # room for the legend


def test_an_empty_chart_keeps_its_axes() -> None:
    for chart in (bar_chart([], series=1), bar_chart([("甲", [0]), ("乙", [0])], series=1)):
        assert chart.empty is True
        assert [tick.value for tick in chart.ticks] == [0, 1]
        assert chart.bottom > chart.top
        assert chart.right == WIDTH - VALUES


def test_the_labels_have_room_for_the_longest_name_within_bounds() -> None:
    assert labels_width(["甲"]) == LABELS_MIN
    assert labels_width(["预备党员的教育考察和转正"]) == 12 * 13 + 12
    assert labels_width(["Stage"]) < labels_width(["阶段阶段阶段阶段阶段"])
    assert labels_width(["长" * 40]) == LABELS_MAX
    assert bar_chart([("预备党员的教育考察和转正", [1])], series=1).left == 12 * 13 + 12


def test_a_workbook_has_a_title_row_a_header_row_and_the_rows() -> None:
    content = workbook(
        "各阶段人数",
        "各阶段人数 · 市财政局机关党委 · 截至2024年9月1日",
        ("阶段", "人数"),
        [("入党申请人", 2), ("发展对象", 1)],
    )

    sheet = load_workbook(BytesIO(content)).active
    assert sheet is not None
    assert sheet.title == "各阶段人数"
    assert [tuple(row) for row in sheet.iter_rows(values_only=True)] == [
        ("各阶段人数 · 市财政局机关党委 · 截至2024年9月1日", None),
        ("阶段", "人数"),
        ("入党申请人", 2),
        ("发展对象", 1),
    ]
    assert sheet["A2"].font.bold
    assert not sheet["A3"].font.bold


def test_a_sheet_title_drops_what_excel_refuses() -> None:
    sheet = load_workbook(BytesIO(workbook("a/b:c" + "长" * 40, "t", ("x",), []))).active
    assert sheet is not None
    assert sheet.title == ("a_b_c" + "长" * 40)[:31]


def test_a_download_is_an_attachment_with_a_chinese_name_and_an_ascii_fallback() -> None:
    answer = xlsx_response(
        b"xlsx", filename="市财政局机关党委-各阶段人数.xlsx", fallback="stages.xlsx"
    )

    assert answer.media_type == XLSX
    disposition = answer.headers["content-disposition"]
    plain, encoded = disposition.split("; filename*=UTF-8''")
    assert plain == 'attachment; filename="stages.xlsx"'
    assert encoded.isascii()
    assert unquote(encoded) == "市财政局机关党委-各阶段人数.xlsx"
    assert answer.headers["cache-control"] == "no-store"
