"""The sign-in backend: Django's `ModelBackend`, loading the signed-in person with their agency.

Nearly every page names the person's agency (the home page's caption, their agency's links): read with the person,
once per request, it is no second query. Sessions signed in before this backend name Django's `ModelBackend`, which
stays in AUTHENTICATION_BACKENDS after this one only to read them; a sign-in that fails here stops here (so a wrong
password is checked once, not again by Django's backend).
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

PATH = "partnership.backends.PersonWithAgencyBackend"


class PersonWithAgencyBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            raise PermissionDenied  # no other backend tries the same credentials again
        return user

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("agency").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
