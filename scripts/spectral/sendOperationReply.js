// Spectral custom function (rule `s2sdk-send-operation-reply`, .spectral-asyncapi.yaml).
// Given an AsyncAPI 3 operation (resolved): every `action: send` operation must declare an
// Operation Reply whose `messages` list is non-empty, and every request message and every reply
// message must declare `correlationId.location` — the envelope's requestId,
// `$message.payload#/requestId` (docs/ARCHITECTURE.md, request/reply conventions 2; the generator,
// the mock and the client correlate on it).
// functionOptions: { location } — the required location (default `$message.payload#/requestId`).

const DEFAULT_LOCATION = '$message.payload#/requestId';

const correlationLocation = (message) =>
  message !== null && typeof message === 'object' && message.correlationId !== null && typeof message.correlationId === 'object' && typeof message.correlationId.location === 'string' && message.correlationId.location.length > 0
    ? message.correlationId.location
    : undefined;

const label = (message, index) => (message && typeof message.name === 'string' ? `"${message.name}"` : `#${index}`);

export default function sendOperationReply(operation, options, context) {
  if (operation === null || typeof operation !== 'object' || operation.action !== 'send') return [];
  const expected = options && typeof options.location === 'string' && options.location ? options.location : DEFAULT_LOCATION;
  const results = [];
  const check = (message, i, what, path) => {
    const location = correlationLocation(message);
    if (location === undefined) results.push({ message: `${what} ${label(message, i)} must declare correlationId.location.`, path });
    else if (location !== expected) results.push({ message: `${what} ${label(message, i)} correlationId.location must be "${expected}" (the envelope's requestId), found "${location}".`, path: [...path, 'correlationId', 'location'] });
  };
  const messages = Array.isArray(operation.messages) ? operation.messages : [];
  messages.forEach((message, i) => check(message, i, 'Request message', [...context.path, 'messages', i]));
  const reply = operation.reply;
  if (reply === null || typeof reply !== 'object') {
    results.push({ message: 'A send operation must declare a reply (AsyncAPI 3 Operation Reply).', path: [...context.path] });
    return results;
  }
  if (!Array.isArray(reply.messages) || reply.messages.length === 0) {
    results.push({ message: 'The reply of a send operation must list at least one message.', path: [...context.path, 'reply'] });
    return results;
  }
  reply.messages.forEach((message, i) => check(message, i, 'Reply message', [...context.path, 'reply', 'messages', i]));
  return results;
}
