"""Web import for coordinators: upload a file, then see what was written and every error."""

from __future__ import annotations

import gzip
import io

import polars as pl
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from tandem.core.models import Role
from tandem.core.permissions import role_required

from .forms import ImportForm, max_upload_mb
from .imports import FileProblem, import_file
from .models import ImportBatch

ERRORS_SHOWN = 500
RECENT_BATCHES = 20


def _batches() -> list[ImportBatch]:
    """Recent imports, without their error files (which can be megabytes each)."""
    return list(ImportBatch.objects.defer("error_file").select_related("actor")[:RECENT_BATCHES])


@role_required(Role.COORDINATOR)
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """The upload form and the list of recent imports."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = import_file(
                form.cleaned_data["kind"],
                upload.read(),
                file_name=upload.name,
                actor=request.user,  # type: ignore[arg-type]
                partial=form.cleaned_data["partial"],
            )
        except FileProblem as problem:
            form.add_error("file", problem.message)
        else:
            return redirect("offending:batch", result.batch.pk)
    context = {
        "title": "Import data",
        "form": form,
        "batches": _batches(),
        "max_upload_mb": max_upload_mb(),
        "has_errors": bool(form.errors),
    }
    return render(request, "offending/import.html", context, status=400 if form.errors else 200)


def _errors(batch: ImportBatch, limit: int | None = None) -> pl.DataFrame:
    if not batch.error_file:
        return pl.DataFrame(schema={"row": pl.UInt32, "column": pl.String, "reason": pl.String})
    data = gzip.decompress(bytes(batch.error_file))
    return pl.read_csv(io.BytesIO(data), n_rows=limit, infer_schema=False)


@role_required(Role.COORDINATOR)
@require_GET
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    """What one import wrote, and its errors (the first 500; all in the download)."""
    batch = get_object_or_404(ImportBatch.objects.select_related("actor"), pk=batch_id)
    errors = _errors(batch, ERRORS_SHOWN)
    written = batch.finished_at is not None and (batch.partial or not batch.rejected)
    context = {
        "title": f"Import {batch.pk}",
        "batch": batch,
        "written": written,
        "errors": errors.iter_rows(named=True),
        "shown": errors.height,
        "errors_shown_limit": ERRORS_SHOWN,
    }
    return render(request, "offending/batch.html", context)


@role_required(Role.COORDINATOR)
@require_GET
def batch_errors(request: HttpRequest, batch_id: int) -> HttpResponse:
    """Every error of one import as CSV: row, column, reason (no cell values)."""
    batch = get_object_or_404(ImportBatch, pk=batch_id)
    data = gzip.decompress(bytes(batch.error_file)) if batch.error_file else b"row,column,reason\n"
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-errors.csv"'
    return response
