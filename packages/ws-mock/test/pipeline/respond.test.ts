import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiModel, OperationModel } from '@s2sdk/asyncapi-codegen';
import { Validators } from '../../src/messages';
import { Templates, customReplyFrames, loginReplyFrames, replyFrames, templateProblems } from '../../src/pipeline/respond';
import { notesModel } from './stages.helpers';

describe('respond stage', () => {
  let model: ApiModel;
  let templates: Templates;
  const op = (type: string) => model.operations.find((o) => o.type === type) as OperationModel;
  beforeAll(async () => {
    model = await notesModel();
    templates = new Templates(model);
  });

  it('renders a template with the request id spliced in, as JSON.stringify of the template would', () => {
    const text = templates.render('note.get.ok', 'id "quoted" \u2028');
    expect(JSON.parse(text)).toEqual({ ...templates.of('note.get.ok'), requestId: 'id "quoted" \u2028' });
    expect(text).toBe(JSON.stringify({ ...structuredClone(templates.of('note.get.ok')), requestId: 'id "quoted" \u2028' }));
  });

  it('answers a streaming request with chunks (cycling through the examples), then the reply', () => {
    const frames = replyFrames(templates, op('feed.stream'), 'r-9', 3).map((f) => JSON.parse(f));
    expect(frames.map((f) => [f.type, f.requestId, f.payload])).toEqual([
      ['feed.stream.chunk', 'r-9', { text: 'Hello' }],
      ['feed.stream.chunk', 'r-9', { text: ' world' }],
      ['feed.stream.chunk', 'r-9', { text: 'Hello' }],
      ['feed.stream.ok', 'r-9', { done: true }],
    ]);
  });

  it('answers with a custom payload, and fills the identity of a login reply', () => {
    expect(JSON.parse(customReplyFrames(templates, op('note.get'), 'c', 3, { custom: 1 })[0]!)).toEqual({ type: 'note.get.ok', requestId: 'c', payload: { custom: 1 } });
    const reply = JSON.parse(loginReplyFrames(templates, op('auth.login'), 'l', 3, { key: 'k', accountId: '7' }).at(-1)!);
    expect(reply).toMatchObject({ type: 'auth.success', requestId: 'l', payload: { identityId: 'account-7', context: { accountId: '7' } } });
    // The template itself is not changed.
    expect(JSON.stringify(templates.of('auth.success'))).not.toContain('account-7');
  });

  it("encodes error frames from the error message's template", () => {
    expect(JSON.parse(templates.error('error', 'e', { code: 'not_found', message: 'No.' }))).toEqual({ type: 'error', requestId: 'e', payload: { code: 'not_found', message: 'No.' } });
  });

  it('lists templates that do not match their schemas (the strict start check)', () => {
    expect(templateProblems(templates, new Map(model.messages.map((m) => [m.type, m])), new Validators(model))).toEqual([]);
    const broken = structuredClone(model);
    broken.messages.find((m) => m.type === 'note.get.ok')!.examples = [{ type: 'note.get.ok', requestId: 'r', payload: {} }];
    const problems = templateProblems(new Templates(broken), new Map(broken.messages.map((m) => [m.type, m])), new Validators(broken));
    expect(problems.join('\n')).toMatch(/\(note\.get\.ok\): example 1 is invalid at \/payload/);
  });
});
