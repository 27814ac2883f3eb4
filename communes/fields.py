"""Form fields every part of the procedure uses (trường biểu mẫu dùng chung)."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A number as officials type it: the digits 0-9, and for a decimal one separator (1,5 the Vietnamese
# way, 1.5 accepted). Python reads "1e2", "١٢" (Arabic-Indic digits) and "１２" as numbers; an official
# never means them, and a value read differently from what is shown is worse than a refusal.
_PLAIN_WHOLE = re.compile(r"[0-9]+(?:[.,]0+)?", re.ASCII)  # "12,0" is twelve, as Django reads it
_PLAIN_DECIMAL = re.compile(r"[0-9]+(?:[.,][0-9]+)?", re.ASCII)


class PlainIntegerField(forms.IntegerField):
    """A whole number typed with the digits 0-9 only."""

    def to_python(self, value):
        if value not in self.empty_values and not _PLAIN_WHOLE.fullmatch(str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class PlainDecimalField(forms.DecimalField):
    """A percentage or an area typed with the digits 0-9 and one decimal separator (1,5)."""

    default_error_messages = {
        "invalid": _(
            "Type the number with the digits 0-9 and a comma for the decimals, for example 12 or 1,5."
        )
    }

    def to_python(self, value):
        if value not in self.empty_values and not _PLAIN_DECIMAL.fullmatch(str(value).strip()):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)
