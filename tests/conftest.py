"""Fixtures shared by every room's tests."""

import pytest
from django.contrib.auth.models import Group

from maison import calendar, roles


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.forget_school_holidays()
    yield
    calendar.forget_school_holidays()


@pytest.fixture
def reference_data(db):
    """The collectivité's territory, themes, school holidays, SLA and queues."""
    from guichet.reference import load_service_rules
    from maison.services import load_reference_data

    load_reference_data()
    load_service_rules()


def _user(django_user_model, username, role):
    user = django_user_model.objects.create_user(username=username, password="motdepasse-demo",
                                                 first_name=username.capitalize())
    if role == roles.ADMIN:
        user.is_superuser = user.is_staff = True
        user.save()
    else:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
        if role == roles.SUPERVISEUR:
            user.is_staff = True
            user.save()
    return user


@pytest.fixture
def agent(db, django_user_model):
    return _user(django_user_model, "agent", roles.AGENT)


@pytest.fixture
def superviseur(db, django_user_model):
    return _user(django_user_model, "superviseur", roles.SUPERVISEUR)


@pytest.fixture
def elu(db, django_user_model):
    return _user(django_user_model, "elu", roles.ELU)


@pytest.fixture
def admin_user(db, django_user_model):
    return _user(django_user_model, "admin", roles.ADMIN)


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run the after-commit callbacks (task scheduling, live events) of a block."""
    return django_capture_on_commit_callbacks
