/** A tiny in-process publish/subscribe channel; subscribers are called synchronously. */
export interface Topic<T> {
  publish(event: T): void;
  subscribe(listener: (event: T) => void): () => void;
}

export function createTopic<T>(): Topic<T> {
  const listeners = new Set<(event: T) => void>();
  return {
    publish(event) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // One broken subscriber must not stop the others or the publisher.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
