"""Console strings, Chinese first with English beside. Pick with the ``ql_lang`` cookie (``zh`` | ``en``)."""

from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "app": ("清朗 内容治理", "qinglang content governance"),
    "report_title": ("举报违规内容", "Report a violation"),
    "report_intro": ("举报色情低俗、导流、赌博、诈骗等内容。我们会认真处理每一条举报。",
                     "Report porn, drainage, gambling, fraud and more. Every report is handled."),
    "target_kind": ("举报对象", "What are you reporting"),
    "content": ("文章/章节", "Article or chapter"),
    "account": ("账号", "Account"),
    "target_id": ("文章或账号 ID", "Article or account id"),
    "reason": ("理由", "Reason"),
    "porn": ("色情低俗", "Porn / vulgar"),
    "illicit_ad": ("黑产广告/导流", "Illicit ads / drainage"),
    "gambling": ("赌博", "Gambling"),
    "fraud": ("诈骗", "Fraud"),
    "abuse": ("谩骂引战", "Abuse"),
    "other": ("其他", "Other"),
    "details": ("补充说明", "Details"),
    "screenshots": ("截图（可选）", "Screenshots (optional)"),
    "contact": ("联系方式（可选，用于奖励）", "Contact (optional, for a reward)"),
    "submit": ("提交举报", "Submit report"),
    "thanks": ("举报已收到", "Report received"),
    "tracking": ("查询码", "Tracking code"),
    "keep_code": ("请保存查询码，可随时查看处理进度。", "Keep this code to follow your report."),
    "status_title": ("举报进度", "Report status"),
    "progress": ("进度", "Progress"),
    "outcome": ("结果", "Outcome"),
    "queued": ("排队中", "Queued"),
    "in_review": ("审核中", "In review"),
    "closed": ("已处理", "Closed"),
    "action_taken": ("已处理违规内容", "Action taken"),
    "no_violation_found": ("未发现违规", "No violation found"),
    "login": ("登录", "Sign in"),
    "username": ("用户名", "User name"),
    "password": ("密码", "Password"),
    "logout": ("退出", "Sign out"),
    "queue": ("审核队列", "Queue"),
    "claim_next": ("领取下一条 (c)", "Claim next (c)"),
    "priority": ("优先级", "Priority"),
    "time_left": ("剩余时间", "Time left"),
    "status": ("状态", "Status"),
    "reports": ("举报数", "Reports"),
    "case": ("案件", "Case"),
    "evidence": ("命中证据", "Evidence"),
    "images": ("图片（点击查看）", "Images (click to reveal)"),
    "qr": ("二维码目标", "QR targets"),
    "history": ("账号历史", "Account history"),
    "strikes": ("违规积分", "Strike points"),
    "sweep": ("举一反三排查", "Sweep"),
    "decide": ("处理", "Decide"),
    "decision_reason": ("处理理由（必填）", "Reason (required)"),
    "take_down": ("下架 (t)", "Take down (t)"),
    "pass": ("通过 (p)", "Pass (p)"),
    "escalate": ("升级 (e)", "Escalate (e)"),
    "disable_links": ("禁用链接 (l)", "Disable links (l)"),
    "restrict": ("限制账号 (r)", "Restrict (r)"),
    "suspend": ("封禁 (s，天数见上)", "Suspend (s, for the days above)"),
    "close": ("关闭账号 (x，需复核)", "Close account (x, needs approval)"),
    "blacklist": ("拉黑账号 (b，需复核)", "Blacklist (b, needs approval)"),
    "release": ("放回队列", "Release"),
    "approvals": ("复核", "Approvals"),
    "approve": ("同意", "Approve"),
    "disagree": ("不同意（升级组长）", "Disagree (to a lead)"),
    "appeals": ("申诉", "Appeals"),
    "uphold": ("维持", "Uphold"),
    "overturn": ("撤销处罚", "Overturn"),
    "rewards": ("奖励", "Rewards"),
    "calibration": ("校准", "Calibration"),
    "audit": ("审计日志", "Audit log"),
    "export": ("导出", "Export"),
    "help": ("快捷键：j/k 上下移动，Enter 打开，c 领取，t 下架，p 通过，e 升级，x 关闭账号，? 帮助",
             "Keys: j/k move, Enter open, c claim, t take down, p pass, e escalate, x close account, ? help"),
    "no_cases": ("队列为空", "The queue is empty"),
    "error": ("出错了", "Something went wrong"),
    "lang_toggle": ("English", "中文"),
    "reason_needed": ("请先填写理由", "Enter a reason first"),
    "suspend_days": ("封禁天数", "Suspension days"),
    "chain_ok": ("审计链完整", "audit chain intact"),
    "chain_broken": ("审计链被篡改", "audit chain BROKEN"),
    "verified_to": ("已验证至事件", "verified up to event"),
    "from_checkpoint": ("自签名检查点", "from the signed checkpoint of event"),
    "unverified_tail": ("尚未验证的较新事件", "newer events not verified on this page"),
    "newest_event": ("最新事件", "newest event"),
}


def translator(lang: str):
    index = 1 if lang == "en" else 0

    def t(key: str) -> str:
        pair = STRINGS.get(key)
        return pair[index] if pair else key

    return t


def pick_lang(cookie: str | None) -> str:
    return "en" if cookie == "en" else "zh"
