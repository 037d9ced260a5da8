from typing import cast

from django import forms

from .models import Contact, PlannedEmail, Shipment


class PreviewForm(forms.Form):
    kind = forms.ChoiceField(choices=PlannedEmail.Kind.choices)
    result_id = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="With the routine of"
    )

    def __init__(self, *args, results=(), **kwargs):
        super().__init__(*args, **kwargs)
        result_field = cast(forms.TypedChoiceField, self.fields["result_id"])
        result_field.choices = [("", "No result (the general routine)")] + [
            (
                r.pk,
                f"{r.created_at:%Y-%m-%d %H:%M}, {r.get_pattern_display()}, {r.email or 'no email'}",
            )
            for r in results
        ]

    @staticmethod
    def preview_contact(user) -> Contact:
        """An unsaved contact for previews: links render, nothing is stored."""
        return Contact(pk=0, email=(user.email or "staff@example.com").lower())


class ShipmentForm(forms.Form):
    carrier = forms.ChoiceField(choices=Shipment.Carrier.choices)
    tracking_number = forms.CharField(max_length=64, strip=True)
