import { yaml } from '@codemirror/lang-yaml';
import { forceLinting, linter, lintGutter, setDiagnostics } from '@codemirror/lint';
import { Compartment, EditorSelection, EditorState, Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import { basicSetup, EditorView } from 'codemirror';
import { type RefObject, useEffect, useRef } from 'react';
import type { ErrorDetail, JsonSchema } from '../api/types';
import { toDiagnostics } from './diagnostics';
import { schemaCompletion } from './schema-completion';

export interface EditorHandle {
  text(): string;
  /** Moves the cursor to a 1-based line and column and scrolls it into view. */
  focusAt(line: number, column?: number): void;
  /** Shows problems found outside the live check (a failed save). */
  showProblems(details: ErrorDetail[]): void;
  /** Runs the live check now instead of after the typing pause. */
  recheck(): void;
}

export interface YamlEditorProps {
  initialValue: string;
  /** The live check: answers the problems to underline; it must not throw. */
  onCheck(text: string): Promise<ErrorDetail[]>;
  onChange?(text: string): void;
  onSave?(): void;
  schema?: JsonSchema | undefined;
  readOnly?: boolean;
  handleRef?: RefObject<EditorHandle | null>;
}

// The pause after the last keystroke before asking the server: short enough to feel live,
// long enough not to send one request per character.
const CHECK_DELAY_MS = 300;

const theme = EditorView.theme({
  '&': { fontSize: '13px', height: '100%' },
  '.cm-scroller': { fontFamily: 'var(--font-mono)', lineHeight: '1.55' },
  '.cm-content': { padding: '8px 0' },
  '.cm-gutters': { background: '#f7f8fa', borderRight: '1px solid var(--border)', color: '#98a1ad' },
  '.cm-activeLineGutter': { background: '#eef1f5' },
  '.cm-activeLine': { background: '#f5f8ff' },
  '&.cm-focused': { outline: 'none' },
  '.cm-lintRange-error': { backgroundColor: 'rgba(220, 38, 38, 0.08)' },
  '.cm-tooltip-lint': { fontFamily: 'var(--font-sans)', fontSize: '12px' },
});

const KEY_WITHOUT_VALUE = /^(\s*)(-\s+)?[^\s#][^#]*:\s*$/;

/**
 * Enter after "key:" opens the nested block one level in. The YAML mode keeps the key's own
 * indentation there, which puts the next line back at the parent level.
 */
function indentAfterKey(view: EditorView): boolean {
  const { state } = view;
  const range = state.selection.main;
  if (!range.empty) return false;
  const line = state.doc.lineAt(range.head);
  const before = line.text.slice(0, range.head - line.from);
  const match = KEY_WITHOUT_VALUE.exec(before);
  if (!match || line.text.slice(range.head - line.from).trim()) return false;
  const indent = ' '.repeat((match[1]?.length ?? 0) + (match[2]?.length ?? 0) + 2);
  view.dispatch({
    changes: { from: range.head, insert: `\n${indent}` },
    selection: { anchor: range.head + 1 + indent.length },
    scrollIntoView: true,
    userEvent: 'input',
  });
  return true;
}

/** CodeMirror 6 with YAML, the server's live schema check as lint, and schema field completion. */
export function YamlEditor({
  initialValue,
  onCheck,
  onChange,
  onSave,
  schema,
  readOnly,
  handleRef,
}: YamlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const completion = useRef(new Compartment());
  // Latest callbacks without rebuilding the editor (which would lose cursor and undo history).
  const callbacks = useRef({ onCheck, onChange, onSave });
  callbacks.current = { onCheck, onChange, onSave };

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is built once; a new document remounts it by key
  useEffect(() => {
    if (!host.current) return;
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initialValue,
        extensions: [
          basicSetup,
          yaml(),
          theme,
          lintGutter(),
          linter(
            async (v) => {
              const doc = v.state.doc;
              const details = await callbacks.current.onCheck(doc.toString());
              return toDiagnostics(doc, details);
            },
            { delay: CHECK_DELAY_MS },
          ),
          completion.current.of([]),
          Prec.high(keymap.of([{ key: 'Enter', run: indentAfterKey }])),
          keymap.of([
            {
              key: 'Mod-s',
              preventDefault: true,
              run: () => {
                callbacks.current.onSave?.();
                return true;
              },
            },
          ]),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) callbacks.current.onChange?.(update.state.doc.toString());
          }),
          EditorState.readOnly.of(readOnly ?? false),
          EditorView.contentAttributes.of({ 'aria-label': 'YAML editor' }),
        ],
      }),
    });
    view.current = editor;
    // The typing pause is for typing: the document as opened is checked at once.
    forceLinting(editor);
    return () => {
      editor.destroy();
      view.current = null;
    };
  }, []);

  useEffect(() => {
    // One source object per schema: autocompletion tracks sources by identity, and a new function
    // on every lookup would restart it at each keystroke and never show anything.
    const source = schema ? [{ autocomplete: schemaCompletion(schema) }] : undefined;
    view.current?.dispatch({
      effects: completion.current.reconfigure(source ? EditorState.languageData.of(() => source) : []),
    });
  }, [schema]);

  useEffect(() => {
    if (!handleRef) return;
    handleRef.current = {
      text: () => view.current?.state.doc.toString() ?? '',
      focusAt(line, column = 1) {
        const v = view.current;
        if (!v) return;
        const l = v.state.doc.line(Math.min(Math.max(line, 1), v.state.doc.lines));
        const pos = Math.min(l.from + Math.max(column - 1, 0), l.to);
        v.dispatch({ selection: EditorSelection.cursor(pos), scrollIntoView: true });
        v.focus();
      },
      showProblems(details) {
        const v = view.current;
        if (v) v.dispatch(setDiagnostics(v.state, toDiagnostics(v.state.doc, details)));
      },
      recheck() {
        if (view.current) forceLinting(view.current);
      },
    };
    return () => {
      handleRef.current = null;
    };
  }, [handleRef]);

  return <div className="yaml-editor" ref={host} data-testid="yaml-editor" />;
}
