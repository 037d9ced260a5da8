import copy
import datetime
import functools
import zoneinfo

from django import forms
from django.forms.widgets import ChoiceWidget
from django.utils import timezone

from guidance.consent import FOLLOWUP_CONSENT_TEXT
from guidance.routines import CheckAnswers, PainArea, PainDuration, Rating

YES_NO = [("no", "No"), ("yes", "Yes")]


class _SharedChoicesWidget(ChoiceWidget):
    def __deepcopy__(self, memo):
        copied = copy.copy(self)
        copied.attrs = self.attrs.copy()
        memo[id(self)] = copied
        return copied


class RadioSelect(_SharedChoicesWidget, forms.RadioSelect):
    pass


class CheckboxSelectMultiple(_SharedChoicesWidget, forms.CheckboxSelectMultiple):
    pass


class _SharedChoicesField(forms.ChoiceField):
    """A choice field whose form copies share its choices (never changed) instead of copying them.

    Django deep-copies every field of a form each time one is made, widget and choices included:
    for the self-check's radio buttons that was two thirds of making a form, which every answer
    does. Assigning new choices to a form's field still changes that form's only.
    """

    _choices: list  # set by ChoiceField's choices setter (django-stubs leave it out)

    def __deepcopy__(self, memo):
        # Field's, which copies the widget (django-stubs leave out Field.__deepcopy__)
        copied = super(forms.ChoiceField, self).__deepcopy__(memo)  # type: ignore[misc]
        copied._choices = self._choices
        return copied


class ChoiceField(_SharedChoicesField, forms.ChoiceField):
    pass


class MultipleChoiceField(_SharedChoicesField, forms.MultipleChoiceField):
    pass


# The red flags as the safety step asks them (yes/no questions); RED_FLAG_CONDITIONS below
# states the same flags, key for key, for the red-flags page.
RED_FLAGS: dict[str, str] = {
    "diabetes_or_numbness": "Do you have diabetes, or numbness or tingling in your feet?",
    "recent_injury": "Have you recently injured your foot, ankle or leg: felt a snap or pop, "
    "or are you unable to put weight on it?",
    "back_warning_signs": "Do you have back pain together with numbness around the groin or "
    "inner thighs, new bladder or bowel changes, or weakness in a leg?",
    "severe_or_worsening": "Is the pain severe or getting worse, or is it a new pain that has "
    "not started to ease after two weeks?",
}
# The same red flags stated as conditions, for the red-flags page and the clinician exit.
RED_FLAG_CONDITIONS: dict[str, str] = {
    "diabetes_or_numbness": "You have diabetes, or numbness or tingling in your feet.",
    "recent_injury": "You recently injured your foot, ankle or leg: you felt a snap or pop, "
    "or you can't put weight on it.",
    "back_warning_signs": "You have back pain together with numbness around the groin or inner "
    "thighs, new bladder or bowel changes, or weakness in a leg.",
    "severe_or_worsening": "The pain is severe or getting worse, or it is new and hasn't started "
    "to ease after two weeks.",
}


class SafetyForm(forms.Form):
    """Every question must be answered: an unanswered box must never pass as a "no"."""

    diabetes_or_numbness = ChoiceField(
        label=RED_FLAGS["diabetes_or_numbness"], choices=YES_NO, widget=RadioSelect
    )
    recent_injury = ChoiceField(
        label=RED_FLAGS["recent_injury"], choices=YES_NO, widget=RadioSelect
    )
    back_warning_signs = ChoiceField(
        label=RED_FLAGS["back_warning_signs"], choices=YES_NO, widget=RadioSelect
    )
    severe_or_worsening = ChoiceField(
        label=RED_FLAGS["severe_or_worsening"], choices=YES_NO, widget=RadioSelect
    )

    @staticmethod
    def has_red_flag(cleaned_data: dict) -> bool:
        return any(cleaned_data.get(name) == "yes" for name in RED_FLAGS)


class PainForm(forms.Form):
    areas = MultipleChoiceField(
        label="Where does it bother you?",
        choices=PainArea.choices,
        widget=CheckboxSelectMultiple,
        required=False,
    )
    duration = ChoiceField(label="For how long?", choices=PainDuration.choices, widget=RadioSelect)

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        areas, duration = cleaned.get("areas"), cleaned.get("duration")
        if duration is None:
            return cleaned
        # "No pain right now" goes with any area (checking in on a back or foot that hurt before).
        if not areas and duration != PainDuration.NO_PAIN:
            raise forms.ValidationError("Tick where it bothers you, or choose “No pain right now”.")
        return cleaned


class ArchForm(forms.Form):
    left = ChoiceField(
        label="Left foot: how tight was the arch?", choices=Rating.choices, widget=RadioSelect
    )
    right = ChoiceField(
        label="Right foot: how tight was the arch?",
        choices=Rating.choices,
        widget=RadioSelect,
    )


class HeelForm(forms.Form):
    left = ChoiceField(
        label="Left side of the low back: how tight?",
        choices=Rating.choices,
        widget=RadioSelect,
    )
    right = ChoiceField(
        label="Right side of the low back: how tight?",
        choices=Rating.choices,
        widget=RadioSelect,
    )


def check_answers(*, pain: dict, arch: dict, heel: dict) -> CheckAnswers:
    """The cleaned data of the wizard's steps as the routine builder's input."""
    return CheckAnswers(
        arch_left=arch["left"],
        arch_right=arch["right"],
        heel_left=heel["left"],
        heel_right=heel["right"],
        pain_areas=frozenset(pain["areas"]),
        pain_duration=pain["duration"],
    )


@functools.cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class RoutineEmailForm(forms.Form):
    email = forms.EmailField(label="Your email", max_length=254)
    followups = forms.BooleanField(label=FOLLOWUP_CONSENT_TEXT, required=False, initial=False)
    # Filled by guidance/time-zone.js from the browser; empty with JavaScript off.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_time_zone(self) -> str:
        # Whatever the browser (or a forged POST) sent: kept only if it names a real zone,
        # otherwise dropped without bothering the visitor (the shop's zone applies).
        value = self.cleaned_data["time_zone"].strip()
        return value if value in _known_time_zones() else ""


class DateRangeForm(forms.Form):
    start = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    MAX_DAYS = 366

    # (name, label): the range ends today, in the shop's time zone (TIME_ZONE).
    PRESETS = (
        ("week", "Last 7 days"),
        ("this-week", "This week"),
        ("month", "Last 30 days"),
        ("this-month", "This month"),
    )

    @classmethod
    def default_range(cls) -> dict:
        today = timezone.localdate()
        return {"start": _preset_starts(today)["month"], "end": today}

    @classmethod
    def preset_range(cls, name: str) -> dict | None:
        today = timezone.localdate()
        start = _preset_starts(today).get(name)
        return {"start": start, "end": today} if start else None

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError("The start date must not be after the end date.")
            if (end - start).days >= self.MAX_DAYS:
                raise forms.ValidationError(f"Choose at most {self.MAX_DAYS} days.")
        return cleaned


def _preset_starts(today: datetime.date) -> dict[str, datetime.date]:
    """The first day of each of DateRangeForm.PRESETS, by name."""
    return {
        "week": today - datetime.timedelta(days=6),
        "this-week": today - datetime.timedelta(days=today.weekday()),
        "month": today - datetime.timedelta(days=29),
        "this-month": today.replace(day=1),
    }


class EraseForm(forms.Form):
    email = forms.EmailField(required=False, label="Their email address")
    result_link = forms.CharField(
        required=False, max_length=300, label="Or a link to one of their results"
    )

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        link = cleaned.get("result_link", "").strip().rstrip("/")
        cleaned["token"] = link.rsplit("/", 1)[-1] if link else ""
        if not cleaned.get("email") and not cleaned["token"]:
            raise forms.ValidationError("Enter an email address or a result link.")
        return cleaned
