"""A data return submitted while a figure is saved: both lock the return, so it is never submitted without the
figure, and a figure saved after submission is refused (PostgreSQL row locks)."""
import pytest

from partnership import history
from partnership.services.errors import ServiceError
from performance.models import DataReturn, Value
from performance.services import returns as data_services
from tests.concurrency import needs_postgresql, run_together

pytestmark = [needs_postgresql, pytest.mark.django_db(transaction=True)]
ROUNDS = 6


def test_a_figure_saved_while_the_lead_submits_never_leaves_a_submitted_data_return_empty(
        police_data_return, indicator, agency_lead, contributor):
    for _ in range(ROUNDS):
        history.update(DataReturn.objects.filter(pk=police_data_return.pk), status=DataReturn.Status.REQUESTED,
                       submitted_at=None, submitted_by=None)
        Value.objects.filter(data_return=police_data_return).delete()
        data_return = DataReturn.objects.get(pk=police_data_return.pk)
        submit, save = run_together([
            lambda d=data_return: data_services.data_return_submit(data_return=d, by=agency_lead),
            lambda d=data_return: data_services.value_save(data_return=d, indicator=indicator, by=contributor,
                                             numerator=8, denominator=10, expected_version=0),
        ], expected=[ServiceError])
        data_return.refresh_from_db()
        has_figure = Value.objects.filter(data_return=data_return).exists()
        if data_return.status == DataReturn.Status.SUBMITTED:
            assert has_figure, "submitted with its figures missing"
        else:
            assert isinstance(submit, ServiceError)
        if isinstance(save, ServiceError):
            assert not has_figure and data_return.status == DataReturn.Status.SUBMITTED
