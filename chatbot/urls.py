app_name = "chatbot"

urlpatterns: list = []
