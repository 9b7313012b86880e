"""Identity providers: an agency (or agencies sharing a tenant) signing in with their work accounts (OpenID Connect).

The rules of signing in through one are in partnership/services/work_accounts.py; this is the configuration the
business unit keeps in the admin. The client secret is never stored here: the record names its entry in the
server's OIDC_CLIENT_SECRETS environment variable (settings.OIDC_CLIENT_SECRETS), so the admin never shows it, a
database copy never carries it, and no other setting of the server can be named instead.
"""
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .agencies import domain_list, domain_matches

_SECRET_NAME = re.compile(r"^[A-Za-z0-9_-]{1,60}$")
DEFAULT_MFA_VALUES = "mfa"


class IdentityProvider(models.Model):
    name = models.CharField(max_length=200, unique=True,
                            help_text="For the business unit, for example 'Merton Council Microsoft 365'.")
    agencies = models.ManyToManyField(
        "partnership.Agency", related_name="identity_providers",
        help_text="The agencies whose people sign in here (several when they share a Microsoft Entra tenant). "
                  "Only people invited to one of them can sign in through this provider.")
    issuer = models.URLField(
        "Issuer", max_length=300,
        help_text="The provider's issuer, exactly as its discovery document states it, for example "
                  "https://login.microsoftonline.com/<tenant id>/v2.0. The discovery document is read from "
                  "<issuer>/.well-known/openid-configuration.")
    client_id = models.CharField("Client (application) id", max_length=200)
    client_secret_name = models.CharField(
        "Name of the client secret", max_length=60,
        help_text="The name (not the value) of this provider's secret in the server's OIDC_CLIENT_SECRETS "
                  "environment variable, which reads NAME=secret,OTHER=secret: for example MERTON.")
    email_domains = models.CharField(
        max_length=500,
        help_text="The email domains this provider answers for, separated by commas or spaces (sub-domains too). "
                  "People with an address there are sent to this provider when they sign in.")
    password_sign_in_allowed = models.BooleanField(
        "Password sign-in stays allowed", default=True,
        help_text="Untick to make the work account the only way in for these domains.")
    mfa_satisfies_two_factor = models.BooleanField(
        "The provider's multi-factor sign-in replaces our authenticator code", default=False,
        help_text="When ticked, a sign-in whose token says multi-factor was used (the amr or acr claim below) "
                  "counts as two-factor sign-in; otherwise people are still asked for their authenticator code.")
    mfa_values = models.CharField(
        "amr or acr values meaning multi-factor", max_length=300, default=DEFAULT_MFA_VALUES,
        help_text="Separated by spaces. Microsoft Entra ID puts 'mfa' in amr.")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def domains(self) -> list[str]:
        return domain_list(self.email_domains)

    def answers_for(self, email: str) -> bool:
        return domain_matches(email, self.domains)

    @property
    def client_secret(self) -> str:
        return str(settings.OIDC_CLIENT_SECRETS.get(self.client_secret_name, "")) if self.client_secret_name else ""

    def has_secret(self) -> bool:
        return bool(self.client_secret)
    has_secret.boolean = True
    has_secret.short_description = "Secret set on the server"

    @property
    def mfa_value_set(self) -> set[str]:
        return set((self.mfa_values or "").split())

    def clean(self):
        errors = {}
        if self.client_secret_name and not _SECRET_NAME.match(self.client_secret_name):
            errors["client_secret_name"] = "Use letters, digits, hyphens and underscores only, for example MERTON."
        if self.issuer and not self.issuer.startswith("https://") and not _loopback(self.issuer):
            errors["issuer"] = "The issuer must be an https:// address."
        if not self.domains:
            errors["email_domains"] = "Enter at least one email domain."
        else:
            others = IdentityProvider.objects.filter(active=True).exclude(pk=self.pk)
            taken = sorted({d for other in others for d in self.domains if d in other.domains})
            if taken and self.active:
                errors["email_domains"] = f"Another provider already answers for {', '.join(taken)}."
        if errors:
            raise ValidationError(errors)


def _loopback(url: str) -> bool:
    """A provider on this machine (tests, a developer's local provider) may use plain http."""
    return bool(re.match(r"^http://(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(/|$)", url))
