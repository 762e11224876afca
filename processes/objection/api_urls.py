app_name = "objection_api"
urlpatterns = []
