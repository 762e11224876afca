"""Downloading a document (entitled users) and verifying one (anyone, no login)."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .forms import CompareFileForm, VerificationCodeForm
from .models import Document
from .selectors import document_by_verification_code, document_user_may_download
from .services import normalise_verification_code


@login_required
@require_GET
def download(request, pk):
    document = get_object_or_404(Document.objects.select_related("department"), pk=pk)
    if not document_user_may_download(request.user, document):
        raise PermissionDenied("无权下载该文书。")
    response = FileResponse(document.file.open("rb"), content_type="application/pdf", filename=f"{document.title}（{document.number}）.pdf")
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def verify_form(request):
    form = VerificationCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("documents:verify", code=form.cleaned_data["code"])
    return render(request, "documents/verify_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request, code):
    canonical = normalise_verification_code(code)
    if canonical and canonical != code:
        return redirect("documents:verify", code=canonical)
    document = document_by_verification_code(code) if canonical else None
    if document is None:
        raise Http404("没有该验证码对应的文书。")
    matches = None
    if request.method == "POST":
        form = CompareFileForm(request.POST, request.FILES)
        if form.is_valid():
            matches = _same_file(form.cleaned_data["file"], document)
    else:
        form = CompareFileForm()
    return render(request, "documents/verify.html", {"document": document, "form": form, "matches": matches})


def _same_file(uploaded, document: Document) -> bool:
    if uploaded.size != document.size:
        return False
    digest = hashlib.sha256()
    for chunk in uploaded.chunks():
        digest.update(chunk)
    return digest.hexdigest() == document.sha256
