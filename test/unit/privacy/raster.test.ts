import t from 'tap'
import { grayIfNeutral, type PageImage, paintBoxes } from '../../../src/adapters/redaction/raster.js'

const rgb = (pixels: [number, number, number][], width: number): PageImage => ({
  width,
  height: pixels.length / width,
  channels: 3,
  data: Buffer.from(pixels.flat()),
})

t.test('a page with only grays becomes one channel; one coloured pixel keeps it RGB', async (t) => {
  const gray = grayIfNeutral(
    rgb(
      [
        [255, 255, 255],
        [0, 0, 0],
        [128, 128, 128],
        [7, 7, 7],
      ],
      2,
    ),
  )
  t.match(gray, { width: 2, height: 2, channels: 1 })
  t.same([...gray.data], [255, 0, 128, 7])

  const coloured = rgb(
    [
      [255, 255, 255],
      [0, 0, 0],
      [128, 128, 128],
      [7, 7, 8],
    ],
    2,
  )
  t.equal(grayIfNeutral(coloured), coloured)
})

t.test('boxes are painted black in gray and RGB images alike', async (t) => {
  const box = { left: 0.5, top: 0.5, right: 1, bottom: 1 }
  const gray: PageImage = { width: 4, height: 2, channels: 1, data: Buffer.alloc(8, 255) }
  paintBoxes(gray, [box], 0)
  t.same([...gray.data], [255, 255, 255, 255, 255, 255, 0, 0])
  const colour: PageImage = { width: 2, height: 1, channels: 3, data: Buffer.alloc(6, 200) }
  paintBoxes(colour, [box], 0)
  t.same([...colour.data], [200, 200, 200, 0, 0, 0], 'a pixel the box covers in part is painted whole')
})
