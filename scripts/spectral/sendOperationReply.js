// Spectral custom function (rule `s2sdk-send-operation-reply`, .spectral-asyncapi.yaml).
// Given an AsyncAPI 3 operation (resolved): every `action: send` operation must declare an
// Operation Reply whose `messages` list is non-empty, and every request message and every reply
// message must declare `correlationId.location` (docs/ARCHITECTURE.md, request/reply conventions 2).

const hasCorrelationId = (message) =>
  message !== null &&
  typeof message === 'object' &&
  message.correlationId !== null &&
  typeof message.correlationId === 'object' &&
  typeof message.correlationId.location === 'string' &&
  message.correlationId.location.length > 0;

const label = (message, index) => (message && typeof message.name === 'string' ? `"${message.name}"` : `#${index}`);

export default function sendOperationReply(operation, _options, context) {
  if (operation === null || typeof operation !== 'object' || operation.action !== 'send') return [];
  const results = [];
  const messages = Array.isArray(operation.messages) ? operation.messages : [];
  messages.forEach((message, i) => {
    if (!hasCorrelationId(message)) {
      results.push({
        message: `Request message ${label(message, i)} of a send operation must declare correlationId.location.`,
        path: [...context.path, 'messages', i],
      });
    }
  });
  const reply = operation.reply;
  if (reply === null || typeof reply !== 'object') {
    results.push({ message: 'A send operation must declare a reply (AsyncAPI 3 Operation Reply).', path: [...context.path] });
    return results;
  }
  if (!Array.isArray(reply.messages) || reply.messages.length === 0) {
    results.push({ message: 'The reply of a send operation must list at least one message.', path: [...context.path, 'reply'] });
    return results;
  }
  reply.messages.forEach((message, i) => {
    if (!hasCorrelationId(message)) {
      results.push({
        message: `Reply message ${label(message, i)} must declare correlationId.location.`,
        path: [...context.path, 'reply', 'messages', i],
      });
    }
  });
  return results;
}
