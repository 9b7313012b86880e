from .accounts import Role, User, UserRole
from .actions import Action, ActionSource, ActionUpdate
from .agencies import Agency, Priority, Sector
from .board_packs import BoardPack
from .calendar import ClosureDay
from .counters import Counter
from .exports import ReportExport
from .form_tokens import FormToken
from .outbox import EmailMessage, OutboxMessage
from .reminders import ReminderLog
from .retention import LegalHold
from .taxonomy import Criterion, Framework, JourneyStage, TagChange, Tagged

__all__ = [
    "Action", "ActionSource", "ActionUpdate", "Agency", "BoardPack", "ClosureDay", "Counter", "Criterion",
    "EmailMessage", "FormToken", "Framework", "JourneyStage", "LegalHold", "OutboxMessage", "Priority", "ReminderLog",
    "ReportExport", "Role", "Sector", "TagChange", "Tagged", "User", "UserRole",
]
