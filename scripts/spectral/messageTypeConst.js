// Spectral custom function (rule `s2sdk-message-type-const`, .spectral-asyncapi.yaml).
// Given an AsyncAPI 3 message (resolved): its payload is the whole envelope, so it must have a
// required `type` property whose schema is a string `const` (the discriminator), and when the
// message has a `name` it must equal that const (docs/ARCHITECTURE.md, request/reply conventions 1).

export default function messageTypeConst(message, _options, context) {
  if (message === null || typeof message !== 'object') return [];
  const payload = message.payload;
  const typeSchema = payload && typeof payload === 'object' && payload.properties && typeof payload.properties === 'object' ? payload.properties.type : undefined;
  if (typeSchema === null || typeof typeSchema !== 'object') {
    return [{ message: 'Message payload must declare a `type` property (the envelope discriminator).', path: [...context.path, 'payload'] }];
  }
  if (typeof typeSchema.const !== 'string' || typeSchema.const.length === 0) {
    return [{ message: 'The payload `type` property must be a non-empty string `const`.', path: [...context.path, 'payload', 'properties', 'type'] }];
  }
  const results = [];
  if (!Array.isArray(payload.required) || !payload.required.includes('type')) {
    results.push({ message: 'The payload must list `type` in `required`.', path: [...context.path, 'payload'] });
  }
  if (typeof message.name === 'string' && message.name !== typeSchema.const) {
    results.push({
      message: `Message name "${message.name}" differs from its payload type const "${typeSchema.const}".`,
      path: [...context.path, 'name'],
    });
  }
  return results;
}
