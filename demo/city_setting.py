"""The city's numbers and names: how big it is at scale 1.0, and what its departments and their
institutions are called.

The figures follow the seeds: a city's organs working committee (市委市直机关工委) over about a
hundred departments, 4,570 primary organizations and 59,000 members (``../shared/seeds``: "104个
部门单位4570个基层党组织、59000多名党员"). A scale shrinks every count in proportion, down to a
floor below which a city could not show every stage and every kind of election any more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The city at scale 1.0.
DEPARTMENTS, ORGANIZATIONS, MEMBERS, CASES = 100, 4_600, 60_000, 31_000
#: The floors: enough organizations, members and cases for every stage, outcome and election
#: state (``demo.city_tree.SPECIAL_PLOTS``) whatever the scale.
FLOORS = {"departments": 5, "organizations": 40, "members": 400, "cases": 80}
YEARS = 6  # how long the system has been live: the oldest case applied then


@dataclass(frozen=True, slots=True)
class CityPlan:
    """How many of everything a city of ``scale`` has."""

    scale: float
    departments: int
    organizations: int
    members: int
    cases: int

    @classmethod
    def at(cls, scale: float) -> CityPlan:
        if not (scale > 0 and math.isfinite(scale)):
            raise ValueError(f"the scale is a positive number, not {scale}")

        def scaled(count: int, floor: str) -> int:
            return max(FLOORS[floor], round(count * scale))

        return cls(
            scale=scale,
            departments=scaled(DEPARTMENTS, "departments"),
            organizations=scaled(ORGANIZATIONS, "organizations"),
            members=scaled(MEMBERS, "members"),
            cases=scaled(CASES, "cases"),
        )


WORKING_COMMITTEE = "某市委市直机关工委"
WORKING_COMMITTEE_BRANCH = "某市委市直机关工委机关党支部"

#: Departments (部门单位) of a city's organs, as the seeds name them; more are numbered.
# fmt: off
DEPARTMENT_NAMES = (
    "市委办公室", "市人大常委会机关", "市政府办公室", "市政协机关", "市纪委监委机关",
    "市委组织部", "市委宣传部", "市委统战部", "市委政法委", "市委编办", "市委政研室",
    "市委网信办", "市委党校", "市委党史研究院", "市直机关工委", "市档案馆",
    "市发展和改革委员会", "市教育局", "市科学技术局", "市工业和信息化局", "市公安局",
    "市民政局", "市司法局", "市财政局", "市人力资源和社会保障局", "市自然资源和规划局",
    "市生态环境局", "市住房和城乡建设局", "市交通运输局", "市水利局", "市农业农村局",
    "市商务局", "市文化和旅游局", "市卫生健康委员会", "市退役军人事务局", "市应急管理局",
    "市审计局", "市国有资产监督管理委员会", "市市场监督管理局", "市体育局", "市统计局",
    "市医疗保障局", "市信访局", "市大数据局", "市行政审批服务局", "市城市管理局",
    "市林业局", "市粮食和物资储备局", "市机关事务管理局", "市地方金融监督管理局",
    "市人民防空办公室", "市供销合作社", "市总工会", "团市委", "市妇女联合会",
    "市科学技术协会", "市文学艺术界联合会", "市社会科学界联合会", "市残疾人联合会",
    "市红十字会", "市归国华侨联合会", "市工商业联合会", "市中级人民法院",
    "市人民检察院", "市税务局", "市住房公积金管理中心", "市日报社", "市广播电视台",
    "市气象局", "市邮政管理局", "市烟草专卖局", "市农业科学院", "市职业技术学院",
    "市第一人民医院", "市中医医院", "市妇幼保健院", "市疾病预防控制中心",
    "市第一中学", "市实验中学", "市第二中学", "市特殊教育学校", "市图书馆", "市博物馆",
    "市公共资源交易中心", "市不动产登记中心", "市政务服务中心", "市消防救援支队",
    "市水务集团", "市城市建设投资集团", "市交通发展集团", "市文化旅游集团",
    "市港务集团", "市农业发展集团", "市国有资本投资运营公司", "市公共交通集团",
    "市热力公司", "市燃气集团", "市保安服务公司", "市粮油集团", "市演艺集团",
)
# fmt: on

#: What a large department's institutions are, by a word in its name; others are centres.
INSTITUTIONS = (
    ("教育", ("第{}中学", "第{}小学", "第{}幼儿园", "第{}职业中专")),
    ("卫生", ("第{}人民医院", "第{}社区卫生服务中心", "第{}卫生监督所")),
    ("公安", ("第{}公安分局", "第{}派出所", "第{}交警大队")),
    ("集团", ("第{}分公司", "第{}项目部")),
    ("法院", ("第{}人民法庭",)),
    ("税务", ("第{}税务分局",)),
)
GENERIC_INSTITUTIONS = ("第{}事务中心", "第{}服务中心", "第{}管理所")

_DIGITS = "零一二三四五六七八九"


def chinese(number: int) -> str:
    """1 → 一, 12 → 十二, 40 → 四十, 105 → 一百零五 (institutions and branches are numbered)."""
    if number < 10:
        return _DIGITS[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(number, 100)
    tail = "零" + _DIGITS[rest] if 0 < rest < 10 else chinese(rest) if rest else ""
    if 10 <= rest < 20:
        tail = "一" + tail
    return chinese(hundreds) + "百" + tail


def department_name(index: int) -> str:
    """The ``index``-th department (from 0): the named ones, then numbered ones."""
    if index < len(DEPARTMENT_NAMES):
        return DEPARTMENT_NAMES[index]
    return f"市直属第{chinese(index - len(DEPARTMENT_NAMES) + 1)}事业单位"


def institution_patterns(department: str) -> tuple[str, ...]:
    for word, patterns in INSTITUTIONS:
        if word in department:
            return patterns
    return GENERIC_INSTITUTIONS
