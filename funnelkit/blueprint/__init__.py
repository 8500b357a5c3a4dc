"""Blueprints: the standard funnels as YAML, and plan / apply / export / drift."""

from funnelkit.blueprint.load import load_blueprint, parse_blueprint
from funnelkit.blueprint.schema import BLUEPRINT_SCHEMA, Blueprint, blueprint_schema

__all__ = ["BLUEPRINT_SCHEMA", "Blueprint", "blueprint_schema", "load_blueprint", "parse_blueprint"]
