"""/enquete/ (namespace "surveys"): supervisors' pages first, then the residents' links."""

from django.urls import path

from .views import public, supervision

app_name = "surveys"

urlpatterns = [
    path("resultats/", supervision.ResultsView.as_view(), name="results"),
    path("suivis/", supervision.FollowUpListView.as_view(), name="follow_ups"),
    path("suivis/<int:pk>/<str:action>/", supervision.FollowUpActionView.as_view(),
         name="follow_up_action"),
    path("questionnaires/", supervision.TemplateListView.as_view(), name="templates"),
    path("questionnaires/defaut/", supervision.TemplateEditView.as_view(),
         name="template_default"),
    path("questionnaires/<int:theme_id>/", supervision.TemplateEditView.as_view(),
         name="template_edit"),
    path("<str:token>/", public.AnswerView.as_view(), name="answer"),
    path("<str:token>/note/<int:score>/", public.RateView.as_view(), name="rate"),
    path("<str:token>/merci/", public.ThanksView.as_view(), name="thanks"),
    path("<str:token>/stop/", public.StopView.as_view(), name="stop"),
]
