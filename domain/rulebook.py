"""The rule book (DOMAIN.md) as data: every rule id with its article and a sentence in two languages.

Rules whose id starts with ``MF-`` are memberflow's own reading of DOMAIN.md where it gives no id;
docs/domain-choices.md explains each of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    HARD = "hard"
    SOFT = "soft"


# DOMAIN.md §0: the only rules an exception may waive, because the regulation itself allows special
# circumstances or because a paper record may lack a detail. Every other rule — order, age, the
# activist's year, introducers, the political review, the meetings' votes, the committee's
# interview, authority, standing, dates, closed cases — holds without exception.
WAIVABLE = frozenset(
    {"A-3.3", "A-5.1", "A-7.2", "A-7.3", "A-11.1", "A-17.2", "A-22.1", "A-23.2", "A-25.1"}
)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    source: str
    zh: str
    en: str
    severity: Severity = Severity.HARD

    @property
    def waivable(self) -> bool:
        return self.id in WAIVABLE


_RULES = [
    # §0 and memberflow's own ids.
    Rule(
        "MF-FUTURE-DATE",
        "DOMAIN.md §0",
        "业务日期不能晚于今天（北京时间）。",
        "The business date cannot be later than today (Asia/Shanghai).",
    ),
    Rule(
        "MF-STEP-ORDER",
        "细则 各阶段顺序 (inferred)",
        "该步骤的前置步骤尚未记录。",
        "A step that this step depends on has not been recorded yet.",
    ),
    Rule(
        "MF-STEP-REPEATED",
        "细则 (inferred)",
        "该步骤已经记录，不能重复记录。",
        "This step has already been recorded and cannot be recorded again.",
    ),
    Rule(
        "MF-CASE-CLOSED",
        "细则 (inferred)",
        "该发展党员案卷已经结束，不能再记录步骤。",
        "This admission case has ended; no further step can be recorded.",
    ),
    Rule(
        "MF-EXCEPTION",
        "DOMAIN.md §0",
        "例外只能针对该步骤检查的、DOMAIN.md §0 列为可例外的硬性规则，且必须写明理由。",
        "An exception names a rule the step checks that DOMAIN.md §0 lists as waivable, with a "
        "written reason.",
    ),
    Rule(
        "MF-ORG-TREE",
        "DOMAIN.md §1",
        "组织类型与上级组织不相符。",
        "The organization's kind does not fit under the given parent.",
    ),
    Rule(
        "MF-OWN-ORG",
        "选举条例; 支部条例 Art. 21",
        "换届的请示、提名、选举和报告由本组织办理。",
        "The organization itself requests, nominates, elects and reports its own election.",
    ),
    Rule(
        "MF-ELECTION-CLOSED",
        "选举条例 (inferred)",
        "该换届选举已经结束。",
        "This election has ended; nothing more can be recorded on it.",
    ),
    Rule(
        "MF-NO-TERM",
        "DOMAIN.md §4; 党章 Art. 10 (派出的代表机关)",
        "工委是派出机关，没有任期，不进行换届选举。",
        "A working committee is an appointed body: it has no term and holds no term-change "
        "election.",
    ),
    Rule(
        "MF-ACCESS",
        "DOMAIN.md §1, §2 (who takes each step), §4, §5; docs/access-control.md",
        "该角色无权办理此事项，或该事项不在本组织的管辖范围内。",
        "This role may not do this, or not outside its own organization's subtree.",
    ),
    Rule(
        "MF-INBOX",
        "DOMAIN.md §5",
        "待办事项由其所等待的组织办理。",
        "An item is handled by the organization it waits for.",
    ),
    Rule(
        "MF-STANDING",
        "党章 Art. 7; DOMAIN.md §1 O-2, O-3",
        "党员身份和权利的变动须与名册中的记录相符，日期须在入党之后。",
        "A change of a member's standing must fit the registry's record of that member, "
        "on a date after joining.",
    ),
    # §1 Organizations.
    Rule(
        "O-1",
        "共产党员网 2017; 细则 Art. 19, 23",
        "只有审批党委（最近的有审批权的基层党委，或工委）可以进行预审和审批。",
        "Only the approving committee (the nearest primary committee with approval power, "
        "else the working committee) may pre-review and approve.",
    ),
    Rule(
        "O-2",
        "党章 Art. 7; 选举条例 Art. 5",
        "只有享有表决权、选举权和被选举权的正式党员才能担任此角色。",
        "Only a full member in good standing, with rights, may take this part.",
    ),
    Rule(
        "O-3",
        "细则 Art. 3 (registry); 党章 Art. 7",
        "党员名册须有每名党员的记录（状态、所在党支部和日期），且记录前后一致。",
        "The registry holds a consistent record (status, branch, dates) of every member.",
    ),
    Rule(
        "O-4",
        "GB 11643-1999; DOMAIN.md §1",
        "以公民身份号码识别本人：18 位，末位为 ISO 7064 MOD 11-2 校验码，其中的出生日期须与所填出生日期"
        "一致；新的入党申请必须填写。",
        "A person is identified by the citizen ID number: 18 characters ending in an ISO 7064 MOD "
        "11-2 check character, with the birth date inside it equal to the birth date given; a new "
        "application must state it.",
    ),
    # §2 Admission.
    Rule(
        "A-1.1",
        "细则 Art. 5; 党章 Art. 1",
        "申请入党须年满十八岁。",
        "An applicant must be at least 18 years old on the application date.",
    ),
    Rule(
        "A-1.2",
        "细则 Art. 6",
        "入党申请须注明依据：工作单位、学习单位、居住地或流动党员所在单位。",
        "An application states its basis: work unit, study unit, residence or mobile.",
    ),
    Rule(
        "A-2.1",
        "细则 Art. 7 (inferred)",
        "谈话须在递交入党申请书之后。",
        "The interview follows the application.",
    ),
    Rule(
        "A-2.2",
        "细则 Art. 7",
        "党组织应在收到入党申请书后一个月内派人谈话。",
        "The interview should be held within one month of the application.",
        Severity.SOFT,
    ),
    Rule(
        "A-3.1",
        "细则 Art. 8 (inferred)",
        "确定入党积极分子须在谈话之后。",
        "An activist is designated after the interview.",
    ),
    Rule(
        "A-3.2",
        "细则 Art. 8",
        "入党积极分子须经党员推荐或群团组织推优产生。",
        "An activist comes from a member recommendation or a mass organization's recommendation.",
    ),
    Rule(
        "A-3.3",
        "local policy",
        "确定入党积极分子距递交申请书的时间不足规定月数。",
        "Too few months have passed since the application to designate an activist.",
    ),
    Rule(
        "A-4.1",
        "细则 Art. 8",
        "报上级党委备案须在确定入党积极分子之后。",
        "Filing with the higher committee follows the activist designation.",
    ),
    Rule(
        "A-5.1",
        "细则 Art. 9 (inferred); O-2",
        "须指定一至两名享有权利的正式党员作培养联系人。",
        "One or two contacts, each a full member with rights, are assigned.",
    ),
    Rule(
        "A-6.1",
        "细则 Art. 11",
        "培养教育考察每半年至少一次。",
        "An activist is assessed at least every six months.",
        Severity.SOFT,
    ),
    Rule(
        "A-7.1",
        "细则 Art. 13",
        "确定发展对象须经过一年以上培养教育和考察。",
        "A development target is designated only after more than a year as an activist.",
    ),
    Rule(
        "A-7.2",
        "细则 Arts. 11, 13",
        "确定发展对象前须至少有两次半年考察记录。",
        "At least two half-yearly assessments precede the designation of a target.",
    ),
    Rule(
        "A-7.3",
        "细则 Art. 13 (inferred)",
        "确定发展对象须听取党小组、培养联系人、党员和群众意见，并记录。",
        "The opinions of the party group, contacts, members and non-members are heard and recorded.",
    ),
    Rule(
        "A-8.1",
        "细则 Art. 13",
        "报上级党委备案须在确定发展对象之后。",
        "Filing with the higher committee follows the designation of the target.",
    ),
    Rule(
        "A-9.1",
        "细则 Art. 14; O-2",
        "须确定两名享有权利的正式党员作入党介绍人；受留党察看处分尚未恢复党员权利的不能作介绍人。",
        "Exactly two introducers, each a full member with rights on that date.",
    ),
    Rule(
        "A-10.1",
        "细则 Art. 16 (inferred)",
        "政治审查结论须为合格或不合格。",
        "A political review concludes 'passed' or 'failed'.",
    ),
    Rule(
        "A-10.2",
        "细则 Art. 16 (inferred)",
        "未经政治审查或政治审查不合格的，不能发展入党。",
        "Without a passed political review nobody is admitted.",
    ),
    Rule(
        "A-10.3",
        "secondary source (policy)",
        "支部大会时政治审查结论已超过一年。",
        "The political review is more than a year old at the branch meeting.",
        Severity.SOFT,
    ),
    Rule(
        "A-10.4",
        "细则 Art. 16 (inferred)",
        "政治审查可在支部大会讨论接收前重新进行，以最近一次结论为准。",
        "The political review may be renewed before the branch meeting; the latest counts.",
    ),
    Rule(
        "A-11.1",
        "细则 Art. 17",
        "短期集中培训时间一般不少于三天或二十四个学时。",
        "Training lasts at least 3 days or 24 class hours.",
    ),
    Rule(
        "A-12.1",
        "细则 Art. 19",
        "支部委员会审查须在确定发展对象、备案、确定介绍人、政审合格和培训之后。",
        "The branch committee reviews after steps 7, 8, 9, 10 (passed) and 11.",
    ),
    Rule(
        "A-13.1",
        "细则 Art. 19 (inferred); O-1",
        "预审须在支部委员会审查之后，并由审批党委进行。",
        "Pre-review follows the branch committee's review and is done by the approving committee.",
    ),
    Rule(
        "A-13.2",
        "细则 Art. 19 (inferred)",
        "预审结果应书面通知党支部，并发放入党志愿书。",
        "The pre-review result is given in writing and the application form is issued.",
        Severity.SOFT,
    ),
    Rule(
        "A-13.3",
        "细则 Art. 19",
        "三个月内将离开工作、学习单位的，一般不办理接收手续。",
        "A candidate who leaves the unit within 3 months is normally not processed.",
        Severity.SOFT,
    ),
    Rule(
        "A-14.1",
        "细则 Art. 19 (inferred)",
        "填写入党志愿书须在预审之后。",
        "The application form is completed after the pre-review.",
    ),
    Rule(
        "A-15.1",
        "细则 Art. 20 (inferred)",
        "支部大会讨论接收须在填写入党志愿书之后。",
        "The branch meeting follows the application form.",
    ),
    Rule(
        "A-15.2",
        "细则 Art. 20",
        "有表决权的到会人数须超过应到会人数的半数。",
        "More than half of the eligible members must be present.",
    ),
    Rule(
        "A-15.3",
        "细则 Art. 21 (inferred)",
        "赞成人数须超过应到会有表决权的正式党员的半数。",
        "In favour must exceed half of the eligible members.",
    ),
    Rule(
        "A-15.4",
        "细则 Arts. 20, 21 (inferred)",
        "表决人数不一致：到会人数不能超过应到人数，票数不能超过到会人数与书面意见之和。",
        "Counts are inconsistent: present ≤ eligible and votes ≤ present + written opinions.",
    ),
    Rule(
        "A-15.5",
        "细则 Art. 21 (inferred)",
        "讨论两个以上发展对象入党时，须逐个讨论和表决。",
        "Each candidate is discussed and voted on individually.",
    ),
    Rule(
        "A-16.1",
        "党章 Art. 5",
        "上级党委派人谈话须在支部大会通过之后、审批之前。",
        "The committee's interview is held after the branch meeting and before the approval.",
    ),
    Rule(
        "A-16.2",
        "党章 Art. 5 (inferred)",
        "须记录谈话人：党委委员或组织员，写明姓名。",
        "The interviewers are recorded by name, as committee members or organizers.",
    ),
    Rule(
        "A-17.1",
        "细则 Art. 23 (inferred); O-1",
        "审批只能由审批党委集体讨论决定。",
        "Only the approving committee approves, by collective decision.",
    ),
    Rule(
        "A-17.2",
        "细则 (inferred)",
        "上级党委应在支部大会后三个月内审批；特殊情况可延长至六个月并写明原因。",
        "Approval comes within 3 months of the branch meeting; up to 6 months with a recorded reason.",
    ),
    Rule(
        "A-17.3",
        "党章 Art. 7; 细则 Art. 32",
        "预备期自支部大会通过之日起计算，为一年。",
        "Probation starts on the branch meeting's date and lasts one year.",
    ),
    Rule(
        "A-18.1",
        "细则 (added in 2014; article inferred)",
        "报组织部门备案须在审批之后。",
        "Filing follows the approval.",
    ),
    Rule(
        "A-19.1",
        "细则 Art. 25 (inferred)",
        "编入党支部和党小组须在审批之后。",
        "Assignment to a branch and group follows the approval.",
    ),
    Rule("A-20.1", "党章 Art. 6", "入党宣誓须在审批之后。", "The oath follows the approval."),
    Rule(
        "A-21.1",
        "细则 Art. 26 (inferred)",
        "预备期教育考察须在审批之后。",
        "Probation assessments follow the approval.",
    ),
    Rule(
        "A-22.1",
        "细则 Art. 30 (inferred)",
        "转正申请须在预备期最后一个月或期满后书面提出。",
        "The written conversion request comes in the last month of probation or later.",
    ),
    Rule(
        "A-23.1",
        "细则 Art. 33",
        "支部大会讨论转正的到会与表决规则同接收预备党员。",
        "The conversion meeting follows the same quorum and vote rules as step 15.",
    ),
    Rule(
        "A-23.2",
        "细则 Art. 33 (inferred)",
        "预备期满后党支部应及时讨论转正，不能提前。",
        "The conversion meeting is held on or after the end of probation.",
    ),
    Rule(
        "A-23.3",
        "细则 Art. 32",
        "转正结论为按期转正、延长预备期（仅一次，六至十二个月）或取消预备党员资格。",
        "The outcome is convert, extend (once, 6–12 months) or cancel.",
    ),
    Rule(
        "A-24.1",
        "细则 Art. 34 (inferred); O-1",
        "转正只能由审批党委审批。",
        "Only the approving committee approves the conversion.",
    ),
    Rule(
        "A-24.2",
        "practice (细则 Art. 34, inferred)",
        "上级党委应在三个月内审批转正。",
        "The conversion is approved within 3 months.",
        Severity.SOFT,
    ),
    Rule(
        "A-24.3",
        "党章 Art. 7",
        "党龄从预备期满转为正式党员之日算起。",
        "Party standing counts from the end of probation.",
    ),
    Rule(
        "A-24.4",
        "细则 Art. 32",
        "转正、延长预备期和取消预备党员资格，须经支部大会讨论通过和上级党组织批准后生效。",
        "Conversion, extension and cancellation take effect only when the committee approves.",
    ),
    Rule(
        "A-25.1",
        "细则 Art. 37",
        "归档材料须包括入党志愿书、入党申请书、政治审查材料、转正申请书和培养教育考察材料。",
        "The archive holds the application form, letter, political review, conversion request "
        "and cultivation records.",
    ),
    Rule(
        "A-T",
        "细则 Art. 12",
        "转接须转入另一个党支部。",
        "A transfer moves the case to another branch.",
    ),
    Rule(
        "A-T.2",
        "细则 Art. 12 (inferred)",
        "预审后、审批前转入其他审批党委所属的党支部的，须由新的审批党委重新预审后方可审批。",
        "Moved after the pre-review to a branch under another approving committee: that "
        "committee pre-reviews again before it approves.",
    ),
    Rule(
        "A-P",
        "细则 Art. 3",
        "只有审批党委可以制定年度发展计划，计划数为 0 至 100000。",
        "Only an approving committee sets a yearly plan, of 0 to 100 000 admissions.",
    ),
    Rule(
        "A-X",
        "细则 (inferred)",
        "一人同时只能有一个在办的发展案卷；已是党员的不能再申请。",
        "A person has at most one open case, and a party member cannot apply again.",
    ),
]

# §4 Term-change elections.
_ELECTION_RULES = [
    Rule(
        "E-1.1",
        "选举条例 (inferred)",
        "换届请示须写明委员名额、书记和副书记名额、会议形式和召开时间。",
        "The request states the seats, the secretary and deputy seats, the meeting form and date.",
    ),
    Rule(
        "E-1.2",
        "请示条例 Art. 20",
        "一事一请示：本组织已有一项在办的换届请示。",
        "One matter per request: this organization already has an election under way.",
    ),
    Rule(
        "E-1.3",
        "local policy",
        "换届请示应在召开选举大会一个月前提出。",
        "The request comes at least one month before the planned meeting.",
        Severity.SOFT,
    ),
    Rule(
        "E-1.4",
        "选举条例 Art. 4",
        "党员人数五百人以上或所属组织驻地分散的，经批准方可召开党员代表大会。",
        "A delegates' congress needs 500 members or more, or scattered sub-organizations.",
    ),
    Rule(
        "E-2.1",
        "选举条例 (inferred)",
        "换届请示只能由上级党组织批复。",
        "Only the parent organization answers the election request.",
    ),
    Rule(
        "E-X.1",
        "选举条例 Art. 3",
        "延期或提前换届须经上级批准，期限一般不超过一年。",
        "A delay or an advance needs the parent's approval and is at most one year.",
    ),
    Rule(
        "E-3.1",
        "选举条例 Art. 5; O-2",
        "候选人须为本组织享有选举权和被选举权的正式党员。",
        "Every candidate is a full member of the organization with rights.",
    ),
    Rule(
        "E-4.1",
        "选举条例 Art. 14; Art. 15 for a primary committee (inferred)",
        "候选人预备人选只能由上级党组织审查同意。",
        "Only the parent organization approves the candidate list.",
    ),
    Rule(
        "E-4.2",
        "选举条例 Art. 13",
        "委员候选人数应多于应选人数的百分之二十（不设委员会的党支部只选书记、副书记的，可以等额）。",
        "Candidates exceed seats by at least 20%: candidates ≥ ceil(seats × 1.2) (a branch "
        "without a committee electing only its officers: one candidate a seat).",
    ),
    Rule(
        "E-5.1",
        "选举条例 Art. 14",
        "选举须在候选人名单经上级同意之后进行。",
        "The election follows the parent's approval of the candidate list.",
    ),
    Rule(
        "E-5.2",
        "选举条例 (inferred)",
        "有选举权的到会人数须超过应到会人数的五分之四。",
        "More than four fifths of the voters due (after approved exclusions) must be present.",
    ),
    Rule(
        "E-5.3",
        "选举条例 (inferred)",
        "被选举人获得的赞成票超过实到会有选举权人数的一半，始得当选；票数不能超过到会人数。",
        "A candidate is elected with more votes in favour than half of the voters present.",
    ),
    Rule(
        "E-5.4",
        "选举条例 (inferred)",
        "当选人数不得多于应选名额；不足时可在未当选的候选人中另行选举。",
        "At most the seats are filled; another ballot is held among the others.",
    ),
    Rule(
        "E-6.1",
        "选举条例 Art. 20",
        "书记、副书记须从当选的委员中选举产生。",
        "The secretary and deputies are elected from the elected members.",
    ),
    Rule(
        "E-7.1",
        "支部条例 Art. 21",
        "选举结果报告须在选出书记、副书记之后。",
        "The results are reported after the officers are elected.",
    ),
    Rule(
        "E-8.1",
        "支部条例 Art. 21",
        "书记、副书记只能由上级党组织批准。",
        "Only the parent organization approves the secretary and deputies.",
    ),
    Rule(
        "E-8.2",
        "任期意见 2018",
        "批准书记、副书记后，新一届任期自选举之日起计算。",
        "The approval starts the new term, counted from the election day.",
    ),
    Rule(
        "E-OVERDUE",
        "任期意见 2018; 选举条例 Art. 3",
        "任期届满未换届，未经批准延期；已批复的换届请示只到拟定选举日期（加政策宽限）为止。",
        "The term has ended without an approved extension, and no approved election covers it: a "
        "request covers it until its planned date (plus the policy's grace) unless a ballot is held.",
        Severity.SOFT,
    ),
]

RULES: dict[str, Rule] = {rule.id: rule for rule in _RULES + _ELECTION_RULES}


def rule(rule_id: str) -> Rule:
    return RULES[rule_id]
