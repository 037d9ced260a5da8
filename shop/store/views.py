from django.http import JsonResponse

from shop.store.health import failing_services


def healthz(request):
    """Readiness: 200 when database, cache and broker answer, else 503 naming what failed."""
    failing = failing_services()
    if failing:
        return JsonResponse({"status": "unavailable", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})
