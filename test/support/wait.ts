/**
 * Polls until the check passes (or throws its last failure after the
 * timeout) and gives what the check returned. Tests wait for conditions with
 * this, never for a fixed time.
 */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000, stepMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, stepMs));
    }
  }
}
