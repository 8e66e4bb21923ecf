"""Names and citizen ID numbers (O-4) for the demo's people: plausible, and never the same twice."""

from __future__ import annotations

import itertools
import random
from datetime import date

from domain.identity import compose

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)
# 区 (district) codes of GB/T 2260 where the demo's people were born.
AREAS = ("110101", "110102", "110105", "110106", "110108", "110111", "120101", "130102")

GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉玲建国志宏红云飞海波宁欣怡晨"
    "浩宇子涵梓萱俊博文雅思远嘉琪佳慧晓东小峰凯颖婷雪梅亮斌琳丹彬鑫立新春燕建平丽君海燕"
)


class Names:
    """Plausible Chinese names, each used once, so that no two people share a registry key."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()
        # ID numbers are not drawn from ``rng``, so that the rest of the demo stays as it was.
        self._serials = itertools.count()

    def id_number(self, birth_date: date) -> str:
        """A valid 公民身份号码 for someone born on ``birth_date``, never given out twice."""
        serial = next(self._serials)
        return compose(AREAS[serial % len(AREAS)], birth_date, serial // len(AREAS) % 1000)

    def new(self) -> str:
        while True:
            length = self.rng.choice((1, 2, 2))
            name = self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=length))
            if name not in self.used:
                self.used.add(name)
                return name
