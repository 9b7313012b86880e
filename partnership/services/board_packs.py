"""The board pack's life: drafted by the business unit, approved by the chair, published once and frozen.

Who may do what is decided here (one place): the business unit and the chair draft and publish; only a chair
approves. A published pack's PDF is made once in the background (the export registered by the composition root
as PUBLISH_KIND), stored on the pack with its SHA-256, and never made again: a later version for the same
quarter is a new pack.
"""
import hashlib

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from partnership import history
from partnership.compiled import compiled_list
from partnership.dates import Quarter, QuarterError
from partnership.history import save_versioned
from partnership.models import BoardPack, Role, User
from partnership.request_memo import once_per_request

from .errors import ConflictError, ServiceError
from .exports import export_request
from .outbox import enqueue_email

PUBLISH_KIND = "board-pack-publish"
TEXT_LIMIT = 10_000


def can_draft(user) -> bool:
    return user.is_authenticated and user.has_role(Role.BUSINESS_UNIT, Role.CHAIR)


def can_approve(user) -> bool:
    return user.is_authenticated and user.has_role(Role.CHAIR)


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise ServiceError(message)


@transaction.atomic
def pack_start(*, period_code: str, by) -> BoardPack:
    """A draft for the quarter: the one already being drafted, or a new one (a new version after publication)."""
    _require(can_draft(by), "Only the business unit or the chair can draft a board pack.")
    try:
        quarter = Quarter.parse(period_code)
    except QuarterError as error:
        raise ServiceError(str(error), field="period") from error
    if quarter.start > timezone.localdate():
        raise ServiceError("That quarter has not started yet. Choose a quarter that has begun.", field="period")
    open_pack = (BoardPack.objects.select_for_update().filter(period_code=quarter.code)
                 .exclude(status=BoardPack.Status.PUBLISHED).first())
    return open_pack or BoardPack.objects.create(period_code=quarter.code, drafted_by=by)


def _clean_text(value: str, *, field: str, label: str) -> str:
    value = (value or "").strip()
    if len(value) > TEXT_LIMIT:
        raise ServiceError(f"{label} must be {TEXT_LIMIT:,} characters or fewer.", field=field)
    return value


@transaction.atomic
def pack_edit(*, pack: BoardPack, narrative: str, asks: str, expected_version: int, by) -> BoardPack:
    _require(can_draft(by), "Only the business unit or the chair can edit a board pack.")
    if not pack.is_editable:
        raise ServiceError("This pack has been approved, so its text can no longer change. Reopen it to edit.")
    pack.narrative = _clean_text(narrative, field="narrative", label="The chair's narrative")
    pack.asks = _clean_text(asks, field="asks", label="What the board is asked to note or decide")
    save_versioned(pack, expected_version=expected_version, fields=["narrative", "asks"], by=by)
    return pack


def _chairs():
    return User.objects.filter(is_active=True, roles__role=Role.CHAIR).exclude(email="").distinct().order_by("pk")


@transaction.atomic
def pack_ask_approval(*, pack: BoardPack, by) -> int:
    """Email every chair at once, with a link (never the pack's text). Returns how many were told."""
    _require(can_draft(by), "Only the business unit or the chair can ask for approval.")
    _require_ready(pack)
    told = 0
    for chair in _chairs():
        told += enqueue_email(
            to=chair.email, subject=f"Board pack {pack.label} is ready for your approval",
            template="board_pack_approval", key=f"board-pack-approval:{pack.pk}:{pack.version}:{chair.pk}",
            context={"person": chair, "pack": pack, "link": settings.SITE_URL + pack.get_absolute_url()},
        ) is not None
    return told


def _require_ready(pack: BoardPack) -> None:
    if not pack.is_editable:
        raise ServiceError("This pack is not a draft any more.")
    if not pack.narrative_paragraphs:
        raise ServiceError("Write the chair's narrative before the pack is approved.", field="narrative")
    if not pack.ask_lines:
        raise ServiceError("Say what the board is asked to note or decide before the pack is approved.",
                           field="asks")


def _set_status(pack: BoardPack, *, expected: str, to: str, by, **fields) -> BoardPack:
    """Move the pack from one status to the next, refusing if someone moved it first (a row lock)."""
    locked = BoardPack.objects.select_for_update().get(pk=pack.pk)
    if locked.status != expected or locked.version != pack.version:
        raise ConflictError("Someone else changed this pack while you were looking at it. Check it again below.")
    for name, value in {"status": to, **fields}.items():
        setattr(pack, name, value)
    save_versioned(pack, expected_version=locked.version, fields=["status", *fields], by=by)
    return pack


@transaction.atomic
def pack_approve(*, pack: BoardPack, by) -> BoardPack:
    _require(can_approve(by), "Only the chair can approve the board pack.")
    _require_ready(pack)
    return _set_status(pack, expected=BoardPack.Status.DRAFT, to=BoardPack.Status.APPROVED, by=by,
                       approved_by=by, approved_at=history.now())


@transaction.atomic
def pack_reopen(*, pack: BoardPack, by) -> BoardPack:
    _require(can_draft(by), "Only the business unit or the chair can reopen a board pack.")
    return _set_status(pack, expected=BoardPack.Status.APPROVED, to=BoardPack.Status.DRAFT, by=by,
                       approved_by=None, approved_at=None)


@transaction.atomic
def pack_begin_publishing(*, pack: BoardPack, by) -> BoardPack:
    """The approved pack is being published: nothing can change it from here."""
    _require(can_draft(by), "Only the business unit or the chair can publish a board pack.")
    return _set_status(pack, expected=BoardPack.Status.APPROVED, to=BoardPack.Status.PUBLISHING, by=by,
                       published_by=by)


@transaction.atomic
def pack_publish(*, pack: BoardPack, by) -> BoardPack:
    """Queue the one rendering of the approved pack; the worker stores it (`pack_store_published`)."""
    pack_begin_publishing(pack=pack, by=by)
    export_request(kind=PUBLISH_KIND, parameters={"pack_id": pack.pk}, by=by, limited=False)
    return pack


@transaction.atomic
def pack_store_published(*, pack: BoardPack, pdf: bytes, summary: dict, as_at) -> BoardPack:
    """Keep the published PDF and its hash. Idempotent: a pack already published is never changed."""
    locked = BoardPack.objects.select_for_update().get(pk=pack.pk)
    if locked.status != BoardPack.Status.PUBLISHING:
        return locked
    locked.pdf, locked.sha256 = pdf, hashlib.sha256(pdf).hexdigest()
    locked.summary, locked.as_at = summary, as_at
    locked.status, locked.published_at = BoardPack.Status.PUBLISHED, history.now()
    locked.version += 1
    locked.save(update_fields=["pdf", "sha256", "summary", "as_at", "status", "published_at", "version",
                               "updated_at"])
    for person in User.objects.filter(is_active=True, roles__role__in=[Role.CHAIR, Role.BUSINESS_UNIT,
                                                                       Role.QA_MEMBER]).exclude(email="").distinct():
        enqueue_email(to=person.email, subject=f"Board pack {locked.label} has been published",
                      template="board_pack_published", key=f"board-pack-published:{locked.pk}:{person.pk}",
                      context={"person": person, "pack": locked,
                               "link": settings.SITE_URL + locked.get_absolute_url()})
    return locked


def published_packs():
    """Every published pack, newest quarter first, without their PDFs (read only to download one)."""
    return BoardPack.objects.filter(status=BoardPack.Status.PUBLISHED).defer("pdf").order_by("-period_code",
                                                                                            "-published_at")


def latest_published():
    """The latest published pack (one query, once per page: the home page shows it and offers it to the agenda)."""
    return once_per_request("board_packs.latest_published",
                            lambda: next(iter(compiled_list(_latest_published)), None))


def _latest_published():
    return published_packs()[:1]
