"""Mass assignment, statically: every form of every app, found by importing the apps' modules.

No ModelForm takes "all fields" or an exclude list (a new model field would become writable silently), and a
form may carry a field that decides ownership, state or privilege only where this file says why.
"""
import importlib
import pkgutil

from django import forms

APPS = ("partnership", "section11", "performance", "audits", "reviews", "learning", "merton_qa")

# Fields that decide who owns a record, its state or someone's privileges. A form holding one must be listed
# in BY_DESIGN with its reason; `version` is the optimistic lock, compared by the service and never stored.
SENSITIVE = {
    "agency", "owner_agency", "status", "created_by", "submitted_by", "submitted_on", "decided_by", "is_staff",
    "is_superuser", "is_active", "roles", "groups", "user_permissions", "user", "created_at",
    "updated_at", "deleted", "approved", "approved_by", "confirmed", "moderated_by",
    "reference", "token", "framework", "cycle", "ret", "audit", "notification", "referral",
}
BY_DESIGN = {
    # The business unit invites people into an agency with roles: the view is business-unit only.
    "partnership.forms.InviteUserForm": {"agency", "roles"},
    # The business unit sets which agency owns a partnership action (the view is business-unit only).
    "partnership.forms.ActionForm": {"owner_agency"},
    # The business unit records which agency owns the action a meeting's decision becomes (business-unit only).
    "merton_qa.meetings.forms.DecisionForm": {"owner_agency"},
    # Reviews group: which agency owns a recommendation's action.
    "reviews.forms.ActionForm": {"owner_agency"},
    # A cycle is created from a chosen framework by the business unit.
    "section11.forms.cycles.CycleForm": {"framework"},
    # Filters and choices among the agencies the person may see (a filter, not a stored value).
    "performance.forms.scorecard.ScorecardFilterForm": {"agency"},
    # Audits: the agency a concern or feedback is about, chosen from the audit's agencies.
    "audits.forms.ConcernForm": {"agency"},
    "audits.forms.FeedbackForm": {"agency"},
    # Learning: a delegate's own agency on booking; a trainer's agency and user account; a briefing's user.
    "learning.forms.public.BookingForm": {"agency"},
    "learning.forms.manage.TrainerForm": {"agency", "user"},
    "learning.forms.manage.BriefingUseForm": {"agency"},
}


def _import_apps():
    for app in APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" not in module.name and ".management" not in module.name:
                importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> dict[str, type]:
    _import_apps()
    return {f"{c.__module__}.{c.__qualname__}": c for c in _subclasses(forms.BaseForm) if c.__module__.startswith(APPS)}


def test_every_app_has_forms_to_check():
    found = project_forms()
    for app in APPS[:-1]:
        assert any(name.startswith(f"{app}.") for name in found), f"no form found in {app}"
    assert len(found) > 40


def test_no_model_form_takes_all_fields_or_an_exclude_list():
    offenders = []
    for name, form in project_forms().items():
        if issubclass(form, forms.ModelForm) and getattr(form, "_meta", None) and form._meta.model is not None:
            meta = form.Meta
            if getattr(meta, "fields", None) == forms.ALL_FIELDS or getattr(meta, "exclude", None):
                offenders.append(name)
    assert not offenders, f"ModelForms with fields='__all__' or exclude: {offenders}"


def test_a_form_holds_an_ownership_state_or_privilege_field_only_by_design():
    surprises = {}
    for name, form in project_forms().items():
        held = set(form.base_fields) & SENSITIVE
        unexpected = held - BY_DESIGN.get(name, set())
        if unexpected:
            surprises[name] = sorted(unexpected)
    assert not surprises, f"forms letting a user set ownership, state or privilege fields: {surprises}"


def test_the_design_list_names_real_forms_and_fields():
    found = project_forms()
    for name, fields in BY_DESIGN.items():
        assert name in found, f"{name} is listed in BY_DESIGN but no longer exists"
        assert fields <= set(found[name].base_fields), f"{name} no longer holds {fields}"
