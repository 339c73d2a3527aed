"""The province-level codes (GB/T 2260) and the one-character province abbreviations, defined once.

Identity numbers begin with a region code, and licence numbers name their issuing province by its abbreviation
(京ICP备…, 粤网文…, （沪）字第…). Only the province level is checked: the six-digit county codes change every year
(GB/T 2260 is revised as counties merge), and an identity number keeps the code of the county that issued it, so a
full county table would wrongly refuse people born in counties that no longer exist.
"""

from __future__ import annotations

from collections.abc import Mapping

PROVINCE_CODES: Mapping[str, str] = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
    "21": "辽宁", "22": "吉林", "23": "黑龙江",
    "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
    "41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
    "50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
    "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
    "71": "台湾",
    # Residence permits for Hong Kong, Macao and Taiwan residents use the same 18-digit number with these codes.
    "81": "香港", "82": "澳门", "83": "台湾",
}
"""Two-digit province codes that a resident identity number (or residence permit number) may begin with."""

NATIONAL_CODE = "10"
"""The region code prefix of units registered at national level (a credit code's ``100000``)."""

PROVINCE_ABBREVIATIONS: Mapping[str, str] = {
    "京": "北京", "津": "天津", "冀": "河北", "晋": "山西", "蒙": "内蒙古",
    "辽": "辽宁", "吉": "吉林", "黑": "黑龙江",
    "沪": "上海", "苏": "江苏", "浙": "浙江", "皖": "安徽", "闽": "福建", "赣": "江西", "鲁": "山东",
    "豫": "河南", "鄂": "湖北", "湘": "湖南", "粤": "广东", "桂": "广西", "琼": "海南",
    "渝": "重庆", "川": "四川", "蜀": "四川", "黔": "贵州", "贵": "贵州", "滇": "云南", "云": "云南", "藏": "西藏",
    "陕": "陕西", "秦": "陕西", "甘": "甘肃", "陇": "甘肃", "青": "青海", "宁": "宁夏", "新": "新疆",
}
"""Province abbreviations as they appear in filing and licence numbers. Five provinces have two in use (川/蜀,
黔/贵, 滇/云, 陕/秦, 甘/陇): filing systems and issuers chose differently, and numbers of both forms are genuine."""

ABBREVIATION_CLASS = "".join(PROVINCE_ABBREVIATIONS)
"""The abbreviations as the inside of a regular-expression character class (``[{ABBREVIATION_CLASS}]``)."""
