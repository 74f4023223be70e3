// Just enough multipart/form-data parsing for the upload operations: text fields and, per file
// part, its file name, media type and size (the bytes themselves are not kept).
export interface FormData {
  fields: Record<string, string>;
  files: Record<string, { filename: string; contentType: string; size: number }>;
}

export function parseMultipart(body: Buffer, contentType: string): FormData | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const b = boundary?.[1] ?? boundary?.[2];
  if (!b) return undefined;
  const out: FormData = { fields: {}, files: {} };
  const delimiter = Buffer.from(`--${b}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    const part = body.subarray(start + 2, next - 2); // skip CRLF after delimiter and before the next
    const headEnd = part.indexOf('\r\n\r\n');
    if (headEnd !== -1) {
      const head = part.subarray(0, headEnd).toString('utf8');
      const data = part.subarray(headEnd + 4);
      const name = /name="([^"]*)"/i.exec(head)?.[1];
      const filename = /filename="([^"]*)"/i.exec(head)?.[1];
      const type = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1]?.trim() ?? 'application/octet-stream';
      if (name !== undefined) {
        if (filename !== undefined) out.files[name] = { filename, contentType: type, size: data.length };
        else out.fields[name] = data.toString('utf8');
      }
    }
    pos = next;
  }
  return out;
}
