# The same steps as `make run`: install, migrate, seed demo users, load the message catalogue,
# deploy the bundled processes, serve with gunicorn (the scheduler on). Set LIETA_DEMO=0 and DATABASE_URL for production.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    LIETA_INSTANCE_PATH=/app/instance LIETA_SCHEDULER=1 PORT=5000

# WeasyPrint's system libraries, and DejaVu (every Latvian letter) for the generated decisions
# (docs/documents.md) and the register's PDFs (evidence list, QR labels).
RUN apt-get update && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 lieta
WORKDIR /app

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY --chown=lieta:lieta . .
RUN pybabel compile --use-fuzzy -d webapp/translations -D messages \
    && mkdir -p instance && chown lieta:lieta instance

USER lieta
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
    CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"

CMD ["sh", "-c", "flask --app webapp db upgrade -d webapp/migrations \
    && if [ \"${LIETA_DEMO:-1}\" != 0 ]; then flask --app webapp users seed-demo && flask --app webapp resources seed-demo; fi \
    && flask --app webapp messages catalogue load bpmn/messages.json \
    && flask --app webapp processes deploy bpmn forms \
    && exec gunicorn --workers 2 --threads 4 --bind 0.0.0.0:${PORT} 'webapp:create_app()'"]
