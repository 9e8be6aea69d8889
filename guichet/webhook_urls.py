"""Twilio webhooks (voice, SMS, status), mounted at /webhooks/twilio/. Every view checks
Twilio's signature (guichet.channels.twilio.twilio_webhook)."""

from django.urls import path

from .channels import twilio

urlpatterns = [
    path("voice/", twilio.voice, name="twilio-voice"),
    path("voice/menu/", twilio.voice_menu, name="twilio-voice-menu"),
    path("voice/after-dial/", twilio.voice_after_dial, name="twilio-voice-after-dial"),
    path("voice/recording/", twilio.voice_recording, name="twilio-voice-recording"),
    path("voice/transcription/", twilio.voice_transcription, name="twilio-voice-transcription"),
    path("sms/", twilio.sms, name="twilio-sms"),
    path("status/", twilio.status, name="twilio-status"),
]
