from django.dispatch import Signal

# Sent after a RoutineRequest is committed. Keyword argument: routine_request (the instance).
# The follow-up emails connect a receiver; the guidance app itself sends no email.
routine_requested = Signal()
