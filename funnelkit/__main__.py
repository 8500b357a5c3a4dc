"""`python -m funnelkit` runs the command line."""

from funnelkit.cli import main

main()
