"""Files for the import's tests: rosters and trees as a spreadsheet would hold them, and what the
event logs hold (to show that nothing was written)."""

from __future__ import annotations

from memberflow.bootstrap import Memberflow

ROSTER_HEADER = (
    "姓名,出生日期,公民身份号码,所在党支部,党员类别,入党日期,转正日期,停止党员权利,留党察看"
)
TREE_HEADER = (
    "组织名称,组织类型,上级组织,有权审批预备党员,所在单位,登记日期,本届任期开始日期,任期年数"
)
BRANCH = "市财政局第一党支部"  # of the World


def member_row(name: str, *, born: str = "1985-03-02", branch: str = BRANCH) -> str:
    return f"{name},{born},,{branch},正式党员,2010-07-01,,否,否"


def csv_of(header: str, *rows: str) -> bytes:
    """A .csv as Excel saves "CSV UTF-8": with a BOM, lines ended by CRLF."""
    return ("\ufeff" + "\r\n".join((header, *rows)) + "\r\n").encode()


def roster_with_two_bad_rows() -> bytes:
    """Lines 2 and 4 good; line 3 has a month 13, line 5 a branch that does not exist."""
    return csv_of(
        ROSTER_HEADER,
        member_row("李四"),
        member_row("王五", born="1985-13-01"),
        member_row("赵六"),
        member_row("钱七", branch="不存在的党支部"),
    )


def events_written(memberflow: Memberflow) -> tuple[int, int]:
    """The last positions of the organizations' and the membership's logs."""
    return (
        memberflow.organizations.recorder.max_notification_id() or 0,
        memberflow.membership.recorder.max_notification_id() or 0,
    )
