"""Overrides Oscar's EmailUserCreationForm and ProfileForm (oscar.apps.customer.forms): neither
says whether an email address has an account, and a changed email needs the current password."""

from django import forms
from oscar.apps.customer import forms as oscar_forms
from oscar.apps.customer.forms import *  # noqa: F401,F403  (the forms we leave as Oscar's)
from oscar.core.compat import get_user_model

User = get_user_model()


class EmailUserCreationForm(oscar_forms.EmailUserCreationForm):
    def clean_email(self):
        # Oscar: "A user with that email address already exists". Ours: the same answer for
        # both, the email to the address says which (shop.customer.services).
        return oscar_forms.normalise_email(self.cleaned_data["email"])


class ProfileForm(oscar_forms.ProfileForm):
    """Oscar's profile form plus the current password, required when the email changes; the new
    address takes effect only once its owner follows the link sent to it."""

    current_password = forms.CharField(
        label="Current password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        required=False,
        help_text="Needed to change your email address.",
    )

    def __init__(self, user, *args, **kwargs):
        self.current_email = user.email
        super().__init__(user, *args, **kwargs)

    def clean_email(self):
        # Whether another account has it is checked when the link is followed, and not said.
        return oscar_forms.normalise_email(self.cleaned_data["email"])

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and email.lower() != (self.current_email or "").lower():
            if not self.user.check_password(cleaned.get("current_password") or ""):
                self.add_error("current_password", "Enter your current password to change it.")
        return cleaned

    @property
    def new_email(self) -> str | None:
        email = self.cleaned_data.get("email")
        if email and email.lower() != (self.current_email or "").lower():
            return email
        return None

    def save(self, commit=True):
        """Saves everything but the email, which waits for the link."""
        if self.new_email:
            self.instance.email = self.current_email
        return super().save(commit=commit)
