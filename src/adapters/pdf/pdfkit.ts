// pdfkit (with fontkit) takes a fifth of a second to load: it is loaded on first use, so the
// processes that never write a PDF (the inbound listener, most test processes) do not pay for it.
export async function loadPdfKit(): Promise<typeof import('pdfkit')> {
  return (await import('pdfkit')).default
}
