"""Helpers shared by the audits views."""
from partnership.access import get_visible_or_404

from .. import access
from ..models import Audit


def audit_or_404(request, pk) -> Audit:
    return get_visible_or_404(access.visible_audits(request.user), pk=pk)


def case_or_404(request, pk):
    return get_visible_or_404(access.visible_cases(request.user), pk=pk)
