"""gunicorn's settings (``gunicorn --config python:pilot.gunicorn``).

The access log names the path only: no query string (searches carry names in it) and no
referrer (which may hold another page's query string).
"""

accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
