import type { RasterImage } from './ocr.js'

/**
 * The image as 8-bit gray of at most `maxPixels`, shrunk by a whole factor with each output pixel
 * the mean of its square of input pixels; transparency is laid on white paper. OCR reads gray, and
 * gains nothing from more than about 300 dpi, while its memory grows with every pixel. Pure.
 */
export function grayWithin(image: RasterImage, maxPixels: number): RasterImage {
  const { width, height, channels, data } = image
  const factor = Math.max(1, Math.ceil(Math.sqrt((width * height) / maxPixels)))
  const outWidth = Math.max(1, Math.floor(width / factor))
  const outHeight = Math.max(1, Math.floor(height / factor))
  const gray = new Uint8Array(outWidth * outHeight)
  const area = factor * factor
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      let sum = 0
      for (let dy = 0; dy < factor; dy++) {
        let at = ((y * factor + dy) * width + x * factor) * channels
        for (let dx = 0; dx < factor; dx++, at += channels) sum += luminance(data, at, channels)
      }
      gray[y * outWidth + x] = Math.round(sum / area)
    }
  }
  return { width: outWidth, height: outHeight, channels: 1, data: gray }
}

function luminance(data: Uint8Array, at: number, channels: RasterImage['channels']): number {
  if (channels === 1) return data[at]!
  const value = 0.299 * data[at]! + 0.587 * data[at + 1]! + 0.114 * data[at + 2]!
  if (channels === 3) return value
  const alpha = data[at + 3]! / 255
  return value * alpha + 255 * (1 - alpha)
}
