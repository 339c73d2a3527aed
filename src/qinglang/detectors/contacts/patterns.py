"""Regular expressions for contact handles and lures, written against NORMALISED text
(lower case, full-width folded, Chinese numerals as digits, noise between CJK characters removed)."""

from __future__ import annotations

import re

# Separators a handle may hide behind after its cue word: 薇信: abc123, vx号 -> abc123, 扣扣【12345678】.
SEP = r"[\s:=\-—_~|/\\.,。·•*#()\[\]【】<>《》'\"“”‘’→➡>＞❤♥💗💕]*"
HEART = "❤♥💗💕💓"
# A digit may sit in a keycap (1️⃣: the variation selector is dropped by the normaliser, U+20E3 stays), so every
# digit of a number may carry one; the lookaheads refuse a keycap too, so a longer number is not cut short.
KEYCAP = "\u20e3"  # COMBINING ENCLOSING KEYCAP
K = KEYCAP + "?"

WECHAT_CUE = (
    r"(?:[微薇威徽维喂魏卫][信芯]|[微薇威徽维]" + f"[{HEART}]" + r"|v[信芯" + HEART + r"]|(?<![a-z])(?:vx|wx|weixin|wechat|vchat)"
    r"|(?:加|\+)\s?(?:v|w)(?![a-z])|(?<![a-z])v号)"
)
WECHAT = re.compile(
    WECHAT_CUE + r"(?:号码|号|id|账号)?(?:是|为|搜|搜索)?" + SEP
    + rf"(?P<handle>[a-z][-_a-z0-9]{{5,19}}|1{K}[3-9]{K}(?:\d{K}){{9}}|[1-9]{K}(?:\d{K}){{5,10}})"
    + rf"(?![-_a-z0-9{KEYCAP}])"
)
QQ_CUE = r"(?:(?<![a-z])qq|扣扣|抠抠|口口|蔻蔻|叩叩|寇寇|企鹅|加扣|(?<![a-z])q群|扣群)"
QQ = re.compile(
    QQ_CUE + r"(?:群号|群|号码|号)?(?:是|为|搜|搜索)?" + SEP
    + rf"(?P<handle>[1-9]{K}(?:[\s\-.·*]?\d{K}){{4,10}})(?![0-9{KEYCAP}])"
)
# Starts with a literal so the regex engine can skip quickly; the digit before it is checked by the caller.
PHONE = re.compile(
    rf"(?P<handle>1{K}[3-9]{K}\d{K}[\s\-]?(?:\d{K}){{4}}[\s\-]?(?:\d{K}){{4}}|1{K}(?:[\s\-.·*]\d{K}){{10}})(?![0-9{KEYCAP}])"
)
PHONE_CUE = re.compile(r"(?:电话|手机|tel|联系|致电|热线|加我|打给|call|☎|📞)[^。.!?！？\n]{0,8}$")
LURE = re.compile(
    r"阅读原文|点击原文|戳原文|原文链接|扫码|扫一扫|长按识别|识别二维码|扫描二维码|看全集|全集在线|完整版|私聊|加我|私信我|私我"
    r"|加好友|拉你进群|进群|看主页|点我头像|主页有惊喜|评论区见"
)
# Words that follow a WeChat cue but are not handles (微信(wechat)是..., 微信 official account).
NOT_HANDLES = frozenset({"wechat", "weixin", "official", "account", "public", "platform", "moments", "channels"})

# Literal cue words: a text with none of them skips the WeChat / QQ expressions entirely.
WECHAT_LITERALS = tuple(
    [a + b for a in "微薇威徽维喂魏卫" for b in "信芯"]
    + [a + h for a in "微薇威徽维v" for h in HEART]
    + ["v信", "v芯", "vx", "wx", "weixin", "wechat", "vchat", "加v", "加w", "加 v", "加 w", "+v", "+w", "+ v", "+ w", "v号"]
)
QQ_LITERALS = ("qq", "扣扣", "抠抠", "口口", "蔻蔻", "叩叩", "寇寇", "企鹅", "加扣", "q群", "扣群")
