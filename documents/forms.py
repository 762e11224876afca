from django import forms

from .services import VERIFICATION_CODE_LENGTH, normalise_verification_code

# A PDF larger than this is not one of ours; no need to hash it.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class VerificationCodeForm(forms.Form):
    code = forms.CharField(label="验证码", max_length=40, help_text="文书页脚所印的12位验证码，不区分大小写。")

    def clean_code(self):
        code = normalise_verification_code(self.cleaned_data["code"])
        if len(code) != VERIFICATION_CODE_LENGTH:
            raise forms.ValidationError(f"验证码应为{VERIFICATION_CODE_LENGTH}位字母或数字。")
        return code


class CompareFileForm(forms.Form):
    file = forms.FileField(label="待核对的 PDF 文件")

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件过大，不是本系统出具的文书。")
        return uploaded
