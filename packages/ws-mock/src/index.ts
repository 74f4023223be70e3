// @s2sdk/ws-mock: an AsyncAPI 3 driven WebSocket mock server for request/reply APIs.
export { startMockServer, CloseCodes, MockClient, ReceivedFrame } from './server';
export type { MockServer } from './server';
export type {
  AuthCheck,
  AuthCheckContext,
  CredentialPaths,
  CredentialRole,
  Credentials,
  ErrorSpec,
  FaultConfig,
  FaultSwitches,
  Identity,
  MockKey,
  MockServerOptions,
  ReceivedFrameData,
  ReplyHandler,
} from './types';
