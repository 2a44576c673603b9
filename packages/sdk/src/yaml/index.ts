export {
  type ParsedDocument,
  type ParsedYaml,
  parseYamlDocuments,
  type SourcePosition,
  splitPath,
  type YamlProblem,
} from './yaml-documents.js';
