from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("", include("partnership.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "merton_qa.views.permission_denied"
handler404 = "merton_qa.views.page_not_found"
handler500 = "merton_qa.views.server_error"
