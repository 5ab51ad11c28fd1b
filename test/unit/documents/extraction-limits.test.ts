// The pure parts of bounded extraction: image sizes from headers, the OCR shrink, storable names and text.
import t from 'tap'
import { grayWithin } from '../../../src/adapters/ocr/raster.js'
import { cleanFilename } from '../../../src/modules/documents/filenames.js'
import { imageSize, type ReadAt } from '../../../src/modules/documents/image-size.js'
import { cleanPageText, storableText } from '../../../src/modules/documents/page-text.js'
import { encodePng, encodeTiff } from '../../helpers/images.js'

const reader =
  (bytes: Buffer): ReadAt =>
  async (offset, length) =>
    bytes.subarray(offset, offset + length)
const gray = (width: number, height: number) => ({ width, height, pixels: new Uint8Array(width * height).fill(255) })

t.test('image sizes come from the headers of PNG, JPEG and every page of a TIFF', async (t) => {
  t.same(await imageSize('png', reader(encodePng(gray(30, 20)))), { width: 30, height: 20 })
  t.same(await imageSize('tiff', reader(encodeTiff(gray(10, 10), gray(40, 50), gray(5, 5)))), { width: 40, height: 50 }, 'the largest page')
  // SOI, an APP0 segment, then SOF0 with height 30000 and width 20000.
  const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x75, 0x30, 0x4e, 0x20, 0x01])
  t.same(await imageSize('jpeg', reader(jpeg)), { width: 20000, height: 30000 })
  t.equal(await imageSize('jpeg', reader(Buffer.from([0xff, 0xd8, 0x00, 0x00]))), null, 'no frame header')
  t.equal(await imageSize('png', reader(Buffer.from([0x89, 0x50]))), null, 'cut short')
  t.equal(await imageSize('tiff', reader(Buffer.from([0x49, 0x49]))), null)
})

t.test('images for OCR become gray and no larger than asked, by whole factors', (t) => {
  const rgba = {
    width: 4,
    height: 2,
    channels: 4 as const,
    data: new Uint8Array([
      0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 0,
    ]),
  }
  t.same(grayWithin(rgba, 2), { width: 2, height: 1, channels: 1, data: new Uint8Array([0, 255]) }, 'transparent is white paper')
  const rgb = { width: 2, height: 1, channels: 3 as const, data: new Uint8Array([255, 0, 0, 0, 0, 255]) }
  t.same(grayWithin(rgb, 10).data, new Uint8Array([76, 29]), 'already small enough: only made gray')
  t.end()
})

t.test('names and text are made storable: no NUL, no lone surrogates, no path, no control characters, 255 characters at most', (t) => {
  t.equal(storableText('a\u0000b\ud800c\udc00d\ud83d\ude00'), 'ab\ufffdc\ufffdd\ud83d\ude00')
  t.equal(cleanPageText('one\u0000two \udfff'), 'one two \ufffd')
  t.equal(cleanFilename('\u0000'), 'document')
  t.equal(cleanFilename('../../etc/passwd\r\nX: y.txt'), 'passwdX: y.txt')
  t.equal(cleanFilename(`${'a'.repeat(5_000)}.pdf`).length, 255)
  t.equal(cleanFilename('scan\ud800.png'), 'scan\ufffd.png')
  t.end()
})
