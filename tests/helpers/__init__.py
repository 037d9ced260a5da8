"""Plain functions and constants shared by test modules (fixtures live in the conftest.py files;
the SMTP and Celery fixtures of mail_and_celery.py are exposed by tests/conftest.py)."""
