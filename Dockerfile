# Production image: gunicorn serves the app, whitenoise the static files.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    MDS_VAR_DIR=/var/lib/mds DJANGO_STATIC_ROOT=/app/staticfiles DJANGO_MEDIA_ROOT=/var/lib/mds/media

WORKDIR /app
COPY pyproject.toml README.md ./
COPY maison ./maison
COPY crm ./crm
COPY guichet ./guichet
COPY chatbot ./chatbot
COPY surveys ./surveys
COPY cockpit ./cockpit
COPY templates ./templates
COPY static ./static
COPY manage.py ./
RUN pip install . && useradd --system --uid 1000 mds && mkdir -p /var/lib/mds/media \
    && chown -R mds /var/lib/mds \
    && DJANGO_DEBUG=1 python manage.py collectstatic --no-input -v 0

USER mds
EXPOSE 8000
CMD ["gunicorn", "maison.wsgi", "--config", "maison/gunicorn.py"]
