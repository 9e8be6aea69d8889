"""Fixtures shared by every room's tests."""

import pytest
from django.contrib.auth.models import Group

from maison import calendar, roles


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Each test starts with empty caches: rate limits and cached calendars never leak."""
    from django.core.cache import cache

    from maison import memo

    calendar.forget_school_holidays()
    memo.clear_all()
    cache.clear()
    yield
    calendar.forget_school_holidays()


@pytest.fixture
def reference_data(db):
    """The collectivité's territory, themes, school holidays, SLA and queues."""
    from guichet.reference import load_service_rules
    from maison.services import load_reference_data

    load_reference_data()
    load_service_rules()
    _restore_data_migrations()


def _restore_data_migrations():
    """Rows that data migrations create on install (the consent texts). A transactional test
    flushes the database, migrations' rows included: put them back as a fresh install has."""
    from importlib import import_module

    from django.apps import apps

    import_module("crm.migrations.0003_consent_texts").create_texts(apps, None)


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


# --- Headless Chromium ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM_ARGS, chromium_path, require_browser_tools

    require_browser_tools()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path(),
                                              args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser):
    """A page in a 360 px phone viewport."""
    from tests.browser import PHONE

    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def laptop_page(browser):
    from tests.browser import LAPTOP

    context = browser.new_context(**LAPTOP)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login(live_server):
    """Log a page in through the real login form: login(page, user)."""

    def _login(page, user, password="motdepasse-demo"):  # noqa: S107 — the fixtures' password
        page.goto(f"{live_server.url}/connexion/")
        page.fill("#id_username", user.get_username())
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    return _login
