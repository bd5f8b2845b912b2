"""MkDocs hooks: give templates the generator's own tag slugs, so tag chips link to
the generated tag pages (tags/<slug>/)."""

from __future__ import annotations

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig

from generator.slugs import slug_of


def on_env(env: Environment, config: MkDocsConfig, files: object) -> Environment:
    env.filters["tag_slug"] = slug_of
    return env
