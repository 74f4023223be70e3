// Spectral custom function (rule `s2sdk-message-envelope`, .spectral-asyncapi.yaml).
// Given an AsyncAPI 3 message (resolved): its payload schema must be the envelope
// `{ type, requestId, payload }` — an object with a string `requestId` and a `payload` property,
// all three required (docs/ARCHITECTURE.md, request/reply conventions 1).

export default function messageEnvelope(message, _options, context) {
  if (message === null || typeof message !== 'object') return [];
  const payload = message.payload;
  const path = [...context.path, 'payload'];
  if (payload === null || typeof payload !== 'object' || payload.type !== 'object' || !payload.properties || typeof payload.properties !== 'object') {
    return [{ message: 'Message payload must be an object schema (the envelope { type, requestId, payload }).', path }];
  }
  const results = [];
  const required = Array.isArray(payload.required) ? payload.required : [];
  for (const member of ['type', 'requestId', 'payload']) {
    if (!(member in payload.properties)) results.push({ message: `The envelope must declare the \`${member}\` property.`, path: [...path, 'properties'] });
    else if (!required.includes(member)) results.push({ message: `The envelope must list \`${member}\` in \`required\`.`, path });
  }
  const requestId = payload.properties.requestId;
  if (requestId && typeof requestId === 'object' && requestId.type !== 'string') {
    results.push({ message: 'The envelope `requestId` must be a string.', path: [...path, 'properties', 'requestId'] });
  }
  return results;
}
