from django.apps import AppConfig


class AppointmentsConfig(AppConfig):
    name = "tandem.appointments"
    label = "appointments"
    verbose_name = "Appointments: the diary, attendance and enforcement"
