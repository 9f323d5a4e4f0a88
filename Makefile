# Each target is the README's command; tasks.py does the work so that plain Python suffices.
PYTHON ?= python3

.PHONY: install demo test lint bench ui

install:
	$(PYTHON) tasks.py install

demo:
	$(PYTHON) tasks.py demo

test:
	$(PYTHON) tasks.py test

lint:
	$(PYTHON) tasks.py lint

bench:
	$(PYTHON) tasks.py bench

ui:
	.venv/bin/tributary ui --home tributary-demo
