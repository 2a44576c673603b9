import type { ClientFeature, ClientFeaturesResponse, Segment } from './client-features.js';

// Unleash's delta protocol (`/api/client/delta`, streaming) sends events instead of full responses.
// Hydration replaces everything; the others patch one feature or segment. Applying them gives back
// a plain client-features response, which createEngine compiles like any other.

export type DeltaEvent =
  | { eventId: number; type: 'hydration'; features: ClientFeature[]; segments?: Segment[] }
  | { eventId: number; type: 'feature-updated'; feature: ClientFeature }
  | { eventId: number; type: 'feature-removed'; featureName: string; project?: string }
  | { eventId: number; type: 'segment-updated'; segment: Segment }
  | { eventId: number; type: 'segment-removed'; segmentId: number };

export interface ClientFeaturesDelta {
  events: DeltaEvent[];
}

/**
 * Applies delta events in order to `state` and returns the new state (the input is not modified).
 * Matches unleash-client's repository: an updated feature keeps its position, a new one is
 * appended, and unknown event types are ignored.
 */
export function applyDelta(
  state: ClientFeaturesResponse,
  events: readonly DeltaEvent[],
): ClientFeaturesResponse {
  let features = new Map<string, ClientFeature>();
  for (const f of state.features ?? []) features.set(f.name, f);
  let segments = new Map<number, Segment>();
  for (const s of state.segments ?? []) segments.set(s.id, s);

  for (const event of events) {
    switch (event.type) {
      case 'hydration':
        features = new Map((event.features ?? []).map((f) => [f.name, f]));
        segments = new Map((event.segments ?? []).map((s) => [s.id, s]));
        break;
      case 'feature-updated':
        features.set(event.feature.name, event.feature);
        break;
      case 'feature-removed':
        features.delete(event.featureName);
        break;
      case 'segment-updated':
        segments.set(event.segment.id, event.segment);
        break;
      case 'segment-removed':
        segments.delete(event.segmentId);
        break;
    }
  }
  return { version: state.version ?? 2, features: [...features.values()], segments: [...segments.values()] };
}
