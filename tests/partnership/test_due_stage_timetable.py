"""Issue 16: the digest's look-ahead follows each item's own timetable (partnership.services.reminders.due_stage)."""
import datetime

from partnership.services.reminders import due_stage

D = datetime.date


def test_a_short_timetable_is_in_the_digest_from_the_day_it_is_asked():
    asked, due = D(2026, 3, 6), D(2026, 3, 19)  # a rapid review summary: nine working days
    assert due_stage(due, asked) is None  # the old seven-day look-ahead missed it for a week
    assert due_stage(due, asked, since=asked) == "due-in-13"
    assert due_stage(due, D(2026, 3, 19), since=asked) == "due-today"
    assert due_stage(due, D(2026, 3, 20), since=asked) == "overdue"


def test_a_long_timetable_keeps_the_usual_look_ahead():
    opened, due = D(2026, 1, 5), D(2026, 4, 30)  # a Section 11 cycle: months
    assert due_stage(due, D(2026, 2, 1), since=opened) is None
    assert due_stage(due, D(2026, 4, 25), since=opened) == "due-in-5"
