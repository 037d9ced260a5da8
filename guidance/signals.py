from django.dispatch import Signal

# Sent after a RoutineRequest is committed. Keyword argument: routine_request (the instance).
# The follow-up emails connect a receiver; the guidance app itself sends no email.
routine_requested = Signal()

# Sent by results_erase inside its transaction, once per email address of the erased person
# (the one staff typed and those on the erased results and requests). Keyword argument: email.
# Apps keeping their own data about a person by email delete it in a receiver; an exception
# there rolls the whole erasure back, so a person is erased everywhere or not at all.
person_erased = Signal()

# Sent by results_purge_expired inside its transaction, before the expired results are deleted.
# Keyword arguments: result_ids, emails (the addresses on those results and their requests).
# Apps keeping rows made for those results (the follow-up emails, a contact who never consented)
# delete them in a receiver, so the purge leaves nothing that names the person.
results_purged = Signal()
