import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * Computes `compute()` once synchronously (so the server-rendered table already has numbers), then
 * again after each change of `deps`, at most once per animation frame: while a slider is dragged,
 * intermediate values that arrive within one frame are skipped.
 */
export function useFrameResult<T>(compute: () => T, deps: unknown[]): T {
  const [result, setResult] = useState<T>(compute);
  const first = useRef(true);
  const computeRef = useRef(compute);
  computeRef.current = compute;
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const frame = requestAnimationFrame(() => setResult(computeRef.current()));
    return () => cancelAnimationFrame(frame);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return result;
}
