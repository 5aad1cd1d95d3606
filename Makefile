# Everything a developer runs, in one place. `make check` is what CI runs.
.PHONY: demo test lint format check bench

demo:  ## install, migrate, seed and serve on http://127.0.0.1:8000
	bin/demo

test:  ## the whole test suite on PostgreSQL
	bin/test

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format:
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

check: lint
	.venv/bin/lint-imports
	DJANGO_SETTINGS_MODULE=pilot.settings.test .venv/bin/python manage.py check
	DJANGO_SETTINGS_MODULE=pilot.settings.test .venv/bin/python manage.py makemigrations --check --dry-run

bench:  ## every benchmark, printing its figures
	bin/bench
