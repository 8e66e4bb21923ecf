"""发展提醒: the branch's own cases whose next step is due or possible soon."""

ZH = {
    "due.intro": "本组织在办案卷中已逾期、%s天内到期或可办理，以及%s天内即将可办的步骤。",
    "due.col.applicant": "申请人",
    "due.col.branch": "所在党支部",
    "due.col.step": "步骤",
    "due.col.why": "提醒",
    "due.col.form": "办理",
    "due.why.overdue": "已逾期",
    "due.why.due_soon": "即将到期",
    "due.why.open": "可办理",
    "due.why.opens_soon": "即将可办",
    "due.due_by": "应于 %s 前办理",
    "due.opens_on": "%s 起可办理",
    "due.record": "去记录",
    "due.count": "共 %s 项提醒",
    "due.empty": "没有需要办理或即将可办的步骤。",
    "due.truncated": "本组织共有 %s 件在办案卷，按申请日期先后每页查看 %s 件；本页为第 %s 至 %s 件。",
    "due.pages": "分页",
    "due.previous": "上一页",
    "due.next": "下一页",
    "due.page_of": "第 %s 页，共 %s 页",
    "due.behind": "列表正在更新：刚登记或转入的案卷可能稍后才出现。",
}

EN = {
    "due.intro": "Steps of this organization's open cases that are overdue, due within %s days "
    "or possible now, and those that become possible within %s days.",
    "due.col.applicant": "Applicant",
    "due.col.branch": "Branch",
    "due.col.step": "Step",
    "due.col.why": "Reminder",
    "due.col.form": "Record",
    "due.why.overdue": "Overdue",
    "due.why.due_soon": "Due soon",
    "due.why.open": "Possible now",
    "due.why.opens_soon": "Possible soon",
    "due.due_by": "due by %s",
    "due.opens_on": "possible from %s",
    "due.record": "Record it",
    "due.count": "%s reminders",
    "due.empty": "No step is due or possible soon.",
    "due.truncated": "This organization has %s open cases, shown %s a page in the order of "
    "their applications; this page shows cases %s to %s.",
    "due.pages": "Pages",
    "due.previous": "Previous page",
    "due.next": "Next page",
    "due.page_of": "Page %s of %s",
    "due.behind": "The list is being updated: a case just opened or moved here may appear in "
    "a moment.",
}
