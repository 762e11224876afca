"""App configurations the project adjusts."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    """``collectstatic`` without viewflow's bundled ``node_modules`` copies of its fonts.

    The copy of roboto-fontface's CSS there names font files viewflow does not ship, so the
    manifest storage (production, ``DEBUG=0``) fails on it; viewflow's pages use the copies
    one level up, which are complete.
    """

    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "node_modules"]
