"""The page cache: shared GET pages for visitors without a session (pages.py, middleware.py).

A component of the shop that imports no other app of ours, below all of them (pyproject.toml's
import contracts). It serves guidance's pages too, yet guidance imports nothing of it: the
settings name guidance's paths and its state function (SHOP_PAGE_CACHE_PATHS, _STATES,
_SERVER_ONLY_PATHS), and invalidation.py lists guidance's models with every other app's.
"""
