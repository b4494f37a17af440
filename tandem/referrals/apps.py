from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "tandem.referrals"
    label = "referrals"
    verbose_name = "Referrals to partner services"
