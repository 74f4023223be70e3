// Spectral custom function (rule `s2sdk-reply-roles`, .spectral-asyncapi.yaml).
// Given an AsyncAPI 3 send operation (resolved), checks the reply roles the generator, the mock
// and the client rely on (docs/ARCHITECTURE.md, request/reply conventions 3 and 4):
// - `x-s2sdk-role` is one of reply | error | chunk;
// - exactly one success reply (role `reply`, or a single message without a role);
// - at least one error reply;
// - chunk messages only on operations marked `x-s2sdk-stream: true`, and such operations have one.

const ROLES = new Set(['reply', 'error', 'chunk']);

export default function replyRoles(operation, _options, context) {
  if (operation === null || typeof operation !== 'object' || operation.action !== 'send') return [];
  const reply = operation.reply;
  if (!reply || typeof reply !== 'object' || !Array.isArray(reply.messages) || reply.messages.length === 0) return []; // s2sdk-send-operation-reply reports it
  const results = [];
  const roles = reply.messages.map((message, i) => {
    const role = message && typeof message === 'object' ? message['x-s2sdk-role'] : undefined;
    if (role !== undefined && !ROLES.has(role)) {
      results.push({ message: `x-s2sdk-role must be reply, error or chunk (got ${JSON.stringify(role)}).`, path: [...context.path, 'reply', 'messages', i] });
    }
    return role === undefined && reply.messages.length === 1 ? 'reply' : role;
  });
  const count = (r) => roles.filter((x) => x === r).length;
  const path = [...context.path, 'reply', 'messages'];
  if (roles.includes(undefined)) results.push({ message: 'Every message of a reply list with several messages must declare x-s2sdk-role.', path });
  if (count('reply') !== 1) results.push({ message: `A reply must list exactly one success message (x-s2sdk-role: reply); found ${count('reply')}.`, path });
  if (count('error') < 1) results.push({ message: 'A reply must list at least one error message (x-s2sdk-role: error).', path });
  const streaming = operation['x-s2sdk-stream'] === true;
  if (streaming && count('chunk') !== 1) results.push({ message: 'A streaming operation (x-s2sdk-stream: true) must list exactly one chunk message.', path });
  if (!streaming && count('chunk') > 0) results.push({ message: 'Chunk messages are only allowed on operations marked x-s2sdk-stream: true.', path });
  return results;
}
