"""Twilio webhooks (voice, SMS, status)."""

urlpatterns: list = []
