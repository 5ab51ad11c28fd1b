# The image of the API and the worker. Runs TypeScript directly with tsx (npm start, npm run worker); there is no build step.
FROM node:20-bookworm-slim

# tesseract OCRs scanned pages (its English data comes with it); without it they wait for OCR.
# prlimit, which bounds each tesseract run's memory, is util-linux's and in every Debian image.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that source changes do not reinstall them.
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund && npm cache clean --force

# Source is owned by root and read-only to the app; only STORAGE_DIR is writable.
COPY . .
RUN mkdir -p /data/storage && chown node:node /data/storage

ENV HOST=0.0.0.0 \
    PORT=3000 \
    STORAGE_DIR=/data/storage

USER node
EXPOSE 3000
CMD ["npm", "start"]
