"""`python -m tributary.demo [home] [seed]`."""

from tributary.demo.home import main

main()
