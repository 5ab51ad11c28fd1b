# One image for the API, the worker and the inbound mail doors (docker-compose.yml builds it once
# and runs it as all three).
# Stage 1 type-checks and compiles TypeScript to dist/; stage 2 holds only what runs.

FROM node:24-bookworm-slim AS build
WORKDIR /app
# Dependencies first, so that source changes do not reinstall them; exactly the lockfile.
COPY package.json package-lock.json ./
# npm ci runs it (postinstall): it applies an upstream fix to the PostgreSQL driver.
COPY scripts ./scripts
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim AS runtime
# tesseract OCRs scanned pages (its English data comes with it); without it they wait for OCR.
# poppler-utils: pdftoppm renders the redacted pages of redacted copies, pdfseparate/pdfunite copy the others.
# prlimit, which bounds each tesseract run's memory, is util-linux's and in every Debian image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng poppler-utils \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Code and data are owned by root and read-only to the app; only STORAGE_DIR is writable.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY drizzle ./drizzle
COPY templates ./templates
COPY views ./views
COPY public ./public
COPY data ./data
RUN mkdir -p /data/storage && chown node:node /data/storage

ENV HOST=0.0.0.0 \
    PORT=3000 \
    STORAGE_DIR=/data/storage

USER node
# 3000: the API; 25: the inbound SMTP listener (`node dist/inbound.js`, INBOUND_SMTP_PORT=25).
EXPOSE 3000 25
# node directly (not npm), so SIGTERM reaches the process and in-flight work finishes.
CMD ["node", "dist/server.js"]
