FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango; poppler-utils gives pdftotext/pdftoppm for report checks.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core curl \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=pilot.settings.production
WORKDIR /app
COPY pyproject.toml ./
COPY pilot ./pilot
COPY municipalities ./municipalities
COPY placements ./placements
COPY coaching ./coaching
COPY reporting ./reporting
RUN pip install --no-cache-dir .
COPY . .
RUN SECRET_KEY=build ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 pilot && mkdir -p /app/media && chown pilot /app/media
USER pilot
EXPOSE 8000
CMD ["gunicorn", "pilot.wsgi", "--config", "python:pilot.gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3"]
