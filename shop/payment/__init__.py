"""Payment with Stripe Checkout. `client.py` is the only module that talks to Stripe;
`standin/` is a local Stripe stand-in for `make run` and the tests."""
