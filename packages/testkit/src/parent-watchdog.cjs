// Preloaded (`node -r`) into processes the testkit starts (Prism): their stdin is a pipe
// from the test process, which closes when that process dies however it dies (SIGKILL,
// a crash, turbo stopping the task). Then this process exits too, instead of living on
// as an orphan holding a port and a CPU.
'use strict';
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
// stdin must not keep the process alive on its own account.
process.stdin.unref?.();
