"""Static files: GOV.UK Frontend's compiled CSS refers to its fonts and images at /assets/."""

from __future__ import annotations

import warnings
from typing import Any

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class GovukWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, also serving GOV.UK Frontend's assets folder at the root path it expects."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        with warnings.catch_warnings():
            # Outside production, files come from the finders and STATIC_ROOT is never built.
            if settings.WHITENOISE_USE_FINDERS:
                warnings.filterwarnings("ignore", message="No directory at")
            super().__init__(*args, **kwargs)
        assets = settings.GOVUK_FRONTEND_DIR / "assets"
        if assets.is_dir():
            self.add_files(str(assets), prefix="assets/")
