"""The standard funnel sets as blueprints; installed as the package `funnelkit.blueprints`."""
