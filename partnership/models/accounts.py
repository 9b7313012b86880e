"""People: the custom user (email is the sign-in name) and the roles they hold."""
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    BUSINESS_UNIT = "business_unit", "Business unit"
    QA_MEMBER = "qa_member", "QA subgroup member"
    CHAIR = "chair", "Chair"
    AGENCY_LEAD = "agency_lead", "Agency lead"
    AGENCY_CONTRIBUTOR = "agency_contributor", "Agency contributor"
    REVIEWS_MEMBER = "reviews_member", "Reviews group member"
    LD_COORDINATOR = "ld_coordinator", "Learning and development coordinator"
    READER = "reader", "Reader"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        user = self._create_user(email, password, **extra)
        UserRole.objects.get_or_create(user=user, role=Role.BUSINESS_UNIT)
        return user

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField("Email address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    agency = models.ForeignKey(
        "partnership.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="users"
    )
    is_active = models.BooleanField(default=True)
    deactivated_at = models.DateTimeField(null=True, blank=True, help_text="When the account was closed.")
    is_staff = models.BooleanField(default=False, help_text="Can open the Django admin (business unit).")
    date_joined = models.DateTimeField(default=timezone.now)
    invited_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    invited_at = models.DateTimeField(null=True, blank=True)
    optional_reminders = models.BooleanField(
        "Daily reminders of things coming up", default=True,
        help_text="Statutory deadlines (serious-incident clocks, immediate concerns) are always sent.",
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        """The closed-account retention clock runs from `deactivated_at`: set however the account is closed
        (the service, the Django admin), cleared when it is opened again."""
        closed_at = self.deactivated_at
        if not self.is_active and closed_at is None:
            self.deactivated_at = timezone.now()
        elif self.is_active and closed_at is not None:
            self.deactivated_at = None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and self.deactivated_at != closed_at:
            kwargs["update_fields"] = {*update_fields, "deactivated_at"}
        super().save(*args, **kwargs)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @cached_property
    def role_set(self) -> frozenset[str]:
        """The roles this person holds, read once per request."""
        if not self.pk or not self.is_active:
            return frozenset()
        return frozenset(self.roles.values_list("role", flat=True))

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_set.intersection(roles))

    @property
    def role_labels(self) -> list[str]:
        return [Role(r).label for r in sorted(self.role_set)]

    @property
    def invitation_pending(self) -> bool:
        return self.invited_at is not None and not self.has_usable_password()


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_user_role")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()}"
