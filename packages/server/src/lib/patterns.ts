// One glob matcher for policies and node filters; it lives with the filters in the SDK so the
// console shares it.
export { globMatch } from '@pont/sdk/node-filter';
