from .accounts import Role, User, UserRole
from .actions import Action, ActionSource, ActionUpdate
from .agencies import Agency, Priority, Sector
from .board_packs import BoardPack
from .calendar import ClosureDay
from .duties import Duty
from .escalations import Escalation
from .exports import ReportExport
from .meetings import AgendaItem, Attendance, Decision, Meeting, Membership, Paper, Subgroup
from .outbox import EmailMessage, OutboxMessage
from .reminders import ReminderLog
from .retention import LegalHold
from .taxonomy import Criterion, Framework, JourneyStage, TagChange, Tagged
from .yearly_reports import Feedback, SafeguardingPartner, YearlyReport, YearlyReportApproval

__all__ = [
    "Action", "ActionSource", "ActionUpdate", "Agency", "AgendaItem", "Attendance", "BoardPack", "ClosureDay",
    "Criterion", "Decision", "Duty", "EmailMessage", "Escalation", "Feedback", "Framework", "JourneyStage",
    "LegalHold", "Meeting", "Membership", "OutboxMessage", "Paper", "Priority", "ReminderLog", "ReportExport",
    "Role", "SafeguardingPartner", "Sector", "Subgroup", "TagChange", "Tagged", "User", "UserRole", "YearlyReport",
    "YearlyReportApproval",
]
