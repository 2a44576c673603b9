import { Type } from '@sinclair/typebox';

/** A yes/no query parameter: `?follow=1`, `?follow=true`, `?dryRun=0`… */
export const QueryFlag = (description: string) =>
  Type.Optional(Type.Union([Type.Boolean(), Type.Literal('1'), Type.Literal('0')], { description }));

export function isSet(value: boolean | '1' | '0' | undefined): boolean {
  return value === true || value === '1';
}
