// Runs `count` operations with at most `inFlight` at a time; rejects on the first failure.
export async function inParallel(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await op(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
}
