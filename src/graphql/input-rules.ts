import { z } from 'zod';

/** Text of at most `max` characters and no control characters: the rule of every free-text input. */
export const text = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !/\p{Cc}/u.test(value), 'must not contain control characters');
