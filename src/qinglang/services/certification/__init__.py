"""Training and certification of reviewers: the practice set and practice answers (``practice``), certificates
per reviewer and category with their history and the gates on claiming and approving (``certificates``).
The rules themselves are pure, in ``qinglang.domain.certification``."""
