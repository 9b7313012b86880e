from .accounts import Role, User, UserRole
from .actions import Action, ActionSource, ActionUpdate
from .agencies import Agency, Priority, Sector
from .board_packs import BoardPack
from .calendar import ClosureDay
from .escalations import Escalation
from .duties import Duty
from .exports import ReportExport
from .outbox import EmailMessage, OutboxMessage
from .reminders import ReminderLog
from .retention import LegalHold
from .taxonomy import Criterion, Framework, JourneyStage, TagChange, Tagged
from .yearly_reports import Feedback, SafeguardingPartner, YearlyReport, YearlyReportApproval

__all__ = [
    "Action", "ActionSource", "ActionUpdate", "Agency", "BoardPack", "ClosureDay", "Criterion", "Duty",
    "EmailMessage", "Escalation", "Feedback", "Framework", "JourneyStage", "LegalHold", "OutboxMessage", "Priority",
    "ReminderLog", "ReportExport", "Role", "SafeguardingPartner", "Sector", "TagChange", "Tagged", "User",
    "UserRole", "YearlyReport", "YearlyReportApproval",
]
