from .accounts import Role, User, UserRole
from .actions import Action, ActionFile, ActionSource, ActionUpdate, DueDateRequest
from .agencies import Agency, Priority, Sector
from .board_packs import BoardPack
from .calendar import ClosureDay
from .counters import Counter
from .duties import Duty
from .escalations import Escalation
from .exports import ReportExport
from .form_tokens import FormToken
from .identity import IdentityProvider
from .meetings import AgendaItem, Attendance, Decision, Meeting, Membership, Paper, Subgroup
from .outbox import EmailMessage, OutboxMessage
from .reminders import ReminderLog
from .retention import LegalHold
from .taxonomy import InspectionCriterion, InspectionFramework, JourneyStage, TagChange, Tagged
from .yearly_reports import Feedback, SafeguardingPartner, YearlyReport, YearlyReportApproval

__all__ = [
    "Action", "ActionFile", "ActionSource", "ActionUpdate", "DueDateRequest", "Agency", "AgendaItem", "Attendance",
    "BoardPack",
    "ClosureDay",
    "Counter", "Decision", "Duty", "EmailMessage", "Escalation", "Feedback", "FormToken",
    "IdentityProvider", "InspectionCriterion", "InspectionFramework", "JourneyStage", "LegalHold", "Meeting",
    "Membership", "OutboxMessage", "Paper", "Priority",
    "ReminderLog", "ReportExport", "Role", "SafeguardingPartner", "Sector", "Subgroup", "TagChange", "Tagged", "User",
    "UserRole", "YearlyReport", "YearlyReportApproval",
]
