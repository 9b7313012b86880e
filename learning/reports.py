"""The L&D section of the quarterly board report (templates/learning/pdf/board_section.html)."""
import datetime

from .figures import period_figures


def board_section(*, start: datetime.date, end: datetime.date) -> dict:
    """Figures for sessions held (and briefings used) between `start` and `end`, read by dates."""
    return period_figures(start=start, end=end)
