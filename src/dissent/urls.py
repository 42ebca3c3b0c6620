from django.contrib import admin
from django.urls import include, path

from dissent.api.main import api
from dissent.web import views
from dissent.web.urls import audit_urlpatterns

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("audit/", include((audit_urlpatterns, "audit"))),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("dissent.web.urls")),
]

handler404 = "dissent.web.views.not_found"
handler500 = "dissent.web.views.server_error"
