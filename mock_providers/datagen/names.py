"""Chinese personal names as they occur in Foshan.

Surname weights approximate Guangdong frequencies (陈 李 黄 梁 far ahead,
Cantonese surnames such as 麦 区 招 霍 岑 much commoner than nationally).
Given-name characters follow the fashion of the birth decade, so a 1955-born
man is 国荣 or 炳坤 and a 1998-born woman is 梓晴 or 诗琪.
"""

from __future__ import annotations

import random
from itertools import accumulate

SURNAMES: tuple[tuple[str, float], ...] = (
    ("陈", 10.5), ("李", 6.6), ("黄", 6.4), ("梁", 4.6), ("林", 3.6), ("张", 3.5),
    ("何", 3.3), ("罗", 2.7), ("吴", 2.5), ("刘", 2.5), ("冯", 2.2), ("郑", 2.0),
    ("谢", 1.8), ("杨", 1.8), ("邓", 1.7), ("潘", 1.6), ("麦", 1.5), ("王", 1.5),
    ("区", 1.2), ("关", 1.2), ("周", 1.2), ("叶", 1.2), ("卢", 1.1), ("苏", 1.0),
    ("曾", 1.0), ("钟", 1.0), ("郭", 1.0), ("彭", 0.9), ("朱", 0.9), ("蔡", 0.8),
    ("胡", 0.8), ("余", 0.8), ("招", 0.6), ("霍", 0.6), ("伍", 0.6), ("欧", 0.5),
    ("莫", 0.5), ("岑", 0.5), ("方", 0.5), ("徐", 0.5), ("赵", 0.5), ("简", 0.4),
    ("庞", 0.4), ("孙", 0.4), ("马", 0.4), ("甘", 0.3), ("骆", 0.3), ("崔", 0.3),
    ("邝", 0.3), ("高", 0.3), ("植", 0.2), ("劳", 0.2), ("康", 0.2), ("钱", 0.2),
    # compound surnames: rare but real (欧阳 and 司徒 are Cantonese staples)
    ("欧阳", 0.3), ("司徒", 0.2), ("上官", 0.03), ("诸葛", 0.02),
)
_SURNAME_VALUES = tuple(s for s, _ in SURNAMES)
_SURNAME_CUM = tuple(accumulate(w for _, w in SURNAMES))

# Given-name characters by generation: born before 1970, 1970-1989, 1990 on.
_GIVEN: dict[tuple[str, int], str] = {
    ("M", 0): "国建志伟荣华明文炳锦汉耀振德培基棠根成光金永强权坤昌泉贤彬洪",
    ("M", 1): "伟志强俊杰浩健斌辉军勇锋彬海涛家文明永锦荣冠嘉智明华东峰超",
    ("M", 2): "浩宇轩俊杰子梓铭晖嘉泽霖宏博睿朗昊乐恒鸿熙晋皓然翔航宸锐",
    ("F", 0): "秀桂凤英兰玉珍华丽芳群好彩金娟莲卿琼爱月霞妹转娣惠",
    ("F", 1): "丽敏静燕芳婷慧娟霞洁颖玲红艳雪惠佩淑君妍晓薇琳媚萍",
    ("F", 2): "欣怡诗嘉雯琪晴颖婷悦萱彤琳莹晓思雅梓珊蕾乐瑶曦钰宁",
}


def _era(birth_year: int) -> int:
    return 0 if birth_year < 1970 else 1 if birth_year < 1990 else 2


def surname(rng: random.Random) -> str:
    return rng.choices(_SURNAME_VALUES, cum_weights=_SURNAME_CUM)[0]


def given_name(rng: random.Random, gender: str, birth_year: int) -> str:
    pool = _GIVEN[(gender, _era(birth_year))]
    # About a quarter of people have a one-character given name (李强, 陈静);
    # fewer among the young.
    single = 0.28 if birth_year < 1980 else 0.15
    if rng.random() < single:
        return rng.choice(pool)
    first, second = rng.sample(pool, 2)
    return first + second


def full_name(rng: random.Random, gender: str, birth_year: int, family: str | None = None
              ) -> tuple[str, str]:
    """(surname, full name); ``family`` forces the surname (a parent of a known child)."""
    sur = family or surname(rng)
    return sur, sur + given_name(rng, gender, birth_year)
