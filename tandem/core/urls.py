from django.urls import path

from .views import access_log, auth, notices, pages

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("sign-in/", auth.sign_in, name="sign_in"),
    path("sign-in/code/", auth.second_factor_step, name="second_factor"),
    path("sign-in/set-up/", auth.second_factor_setup, name="second_factor_setup"),
    path("sign-in/skip/", auth.skip_second_factor, name="skip_second_factor"),
    path("sign-out/", auth.sign_out, name="sign_out"),
    path("protocol/", pages.protocol, name="protocol"),
    path("access-log/", access_log.access_log, name="access_log"),
    path("notices/", notices.notices, name="notices"),
    path("notices/read/", notices.notices_read, name="notices_read"),
]
