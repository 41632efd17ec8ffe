"""Run roastbot as `python -m roastbot`."""

from roastbot.cli import main

main()
