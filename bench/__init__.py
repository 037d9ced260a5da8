"""`make bench`: load-tests our shop next to stock Oscar 4.2.1 and a bare Django view (see run.py)."""
