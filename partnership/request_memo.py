"""Work one page needs twice, done once in that page's request: `once_per_request(key, compute)`.

Two parts of one page sometimes need the same facts from one app: the business unit's home page shows the review
clocks in the reviews panel and counts them again for the next meeting's agenda (each through its own contract hook,
which cannot pass the answer to the other). Inside a GET or HEAD request, the first asks and the second reads the
answer; anywhere else (a POST, a task, a test calling a function) every call computes afresh.

Nothing is kept beyond the request that computed it, nor shared between people: the memo lives in a context
variable set by `RequestMemoMiddleware` for one request and dropped at its end. Any history-tracked write in the
request forgets it (the history signal, and the kernel's history-aware writes), so a page reads what it wrote.
"""
import contextvars

_memo: contextvars.ContextVar[dict | None] = contextvars.ContextVar("partnership_request_memo", default=None)
SAFE_METHODS = ("GET", "HEAD")


def once_per_request(key, compute):
    """`compute()`, computed once per GET request for `key` (every time outside one)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def in_request() -> bool:
    """Whether a GET or HEAD request's memo is open here."""
    return _memo.get() is not None


def forget(*args, **kwargs) -> None:
    """Forget what this request has computed (a tracked record was written)."""
    memo = _memo.get()
    if memo:
        memo.clear()


class RequestMemoMiddleware:
    """A fresh memo for each GET or HEAD request, dropped when the response is made."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in SAFE_METHODS:
            return self.get_response(request)
        token = _memo.set({})
        try:
            return self.get_response(request)
        finally:
            _memo.reset(token)
