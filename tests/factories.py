"""factory_boy factories for the shared kernel. Invented data only: no real person or child."""
import datetime

import factory
from django.utils import timezone

from partnership.models import Action, ActionUpdate, Agency, Priority, Role, Sector, User, UserRole


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Test Agency {n}")
    sector = Sector.VOLUNTARY
    section11_duty = True


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Sequence(lambda n: f"Test Person {n}")
    job_title = "Safeguarding lead"
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password("correct-horse-battery-staple")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                UserRole.objects.create(user=self, role=role)
            self.__dict__.pop("role_set", None)


class PriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Priority
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"priority-{n}")
    title = factory.Sequence(lambda n: f"Priority {n}")
    start_date = datetime.date(2024, 4, 1)


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    title = factory.Sequence(lambda n: f"Action {n}")
    description = "Review the referral form so that it records the child's lived experience."
    owner_agency = factory.SubFactory(AgencyFactory)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    status = Action.Status.AGREED


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionUpdate

    action = factory.SubFactory(ActionFactory)
    note = "Training delivered to two teams."


__all__ = ["ActionFactory", "ActionUpdateFactory", "AgencyFactory", "PriorityFactory", "Role", "UserFactory"]
