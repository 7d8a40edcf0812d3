"""Counts the database queries of each request, for the benchmark's report."""

from django.db import connection

HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    """Outermost middleware: every query of the request, sessions and auth included."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counting(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counting):
            response = self.get_response(request)
        response[HEADER] = str(count)
        return response
