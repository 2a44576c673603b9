import { EditorState, Text } from '@codemirror/state';
import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../api/types';
import { pathAt, schemaAt, schemaCompletion } from './schema-completion';

const doc = (text: string) => Text.of(text.split('\n'));

const policy: JsonSchema = {
  type: 'object',
  properties: {
    apiVersion: { const: 'pont/v1' },
    spec: {
      type: 'object',
      required: ['rules'],
      properties: {
        description: { type: 'string', description: 'what it is for' },
        rules: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              effect: { anyOf: [{ const: 'allow' }, { const: 'deny' }] },
              actions: { type: 'array', items: { type: 'string' } },
              environmentProtected: { type: 'boolean' },
            },
          },
        },
      },
    },
  },
};

function complete(text: string) {
  const state = EditorState.create({ doc: text });
  const result = schemaCompletion(policy)({ state, pos: text.length, explicit: true });
  return result?.options.map((o) => o.label) ?? [];
}

describe('pathAt', () => {
  it('follows indentation through mappings and list items', () => {
    const text = doc('spec:\n  rules:\n    - effect: allow\n      actions: [run]\n      ');
    expect(pathAt(text, 5, 6)).toEqual({
      path: ['spec', 'rules', '[]'],
      siblings: new Set(['actions', 'effect']),
    });
  });

  it('is empty at the top level', () => {
    expect(pathAt(doc('apiVersion: pont/v1\n'), 2, 0).path).toEqual([]);
  });
});

describe('schemaAt', () => {
  it('walks properties and array items', () => {
    expect(schemaAt(policy, ['spec', 'rules', '[]', 'effect'])?.anyOf).toHaveLength(2);
  });
});

describe('schemaCompletion', () => {
  it('offers the fields of the enclosing object, minus those already written', () => {
    expect(complete('spec:\n  rules:\n    - effect: allow\n      ')).toEqual([
      'actions',
      'environmentProtected',
    ]);
  });

  it('offers the fields of a new list item', () => {
    expect(complete('spec:\n  rules:\n    - ')).toEqual(['effect', 'actions', 'environmentProtected']);
  });

  it('offers enum values after a key', () => {
    expect(complete('spec:\n  rules:\n    - effect: ')).toEqual(['allow', 'deny']);
    expect(complete('spec:\n  rules:\n    - environmentProtected: ')).toEqual(['true', 'false']);
  });

  it('skips keys written below the cursor', () => {
    const text = 'spec:\n  \n  description: x\n';
    const state = EditorState.create({ doc: text });
    const result = schemaCompletion(policy)({ state, pos: 8, explicit: true });
    expect(result?.options.map((o) => o.label)).toEqual(['rules']);
  });
});
